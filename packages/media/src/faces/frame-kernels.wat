;; The detector's two per-frame loops over every pixel (docs/face-detection.md, "Speed"): yuv420p -> RGB24 and
;; the area-averaging shrink of RGB24 bytes into BlazeFace's float input. They compute exactly what
;; obscure.ts' yuv420ToRgb and rgb-resize.ts' resizeArea compute in JS (the same double-precision operations in the
;; same order, rounded to float32 where JS stores into a Float32Array), ~4x faster: the JS is the reference, and
;; test/frame-kernels.test.ts checks the two agree bit for bit. Compiled to frame-kernels.wasm by
;; `npm run build:wasm` (wabt); the test also checks that the .wasm is this file compiled.
;; Memory is the caller's to lay out (frame-kernels.ts): every pointer is a byte offset into it.
(module
  (memory (export "memory") 1)

  ;; BT.601 limited range, brightened by gain: c = k * (Y - 16) with k = 1.164 * gain (computed by the caller as JS
  ;; does), u = gain * (U - 128), v = gain * (V - 128); r = c + 1.596 v + 0.5, g = c - 0.392 u - 0.813 v + 0.5,
  ;; b = c + 2.017 u + 0.5, each clamped to [0, 255] and truncated. Two pixels of a row share their chroma.
  (func $channel (param $x f64) (result i32)
    (if (result i32) (f64.lt (local.get $x) (f64.const 0))
      (then (i32.const 0))
      (else
        (if (result i32) (f64.gt (local.get $x) (f64.const 255))
          (then (i32.const 255))
          (else (i32.trunc_f64_u (local.get $x)))))))

  ;; One pixel, as JS computes it, at $o.
  (func $pixel (param $y i32) (param $u i32) (param $v i32) (param $o i32) (param $k f64) (param $gain f64)
    (local $c f64) (local $uf f64) (local $vf f64)
    (local.set $c (f64.mul (local.get $k) (f64.convert_i32_s (i32.sub (local.get $y) (i32.const 16)))))
    (local.set $uf (f64.mul (local.get $gain) (f64.convert_i32_s (i32.sub (local.get $u) (i32.const 128)))))
    (local.set $vf (f64.mul (local.get $gain) (f64.convert_i32_s (i32.sub (local.get $v) (i32.const 128)))))
    (i32.store8 (local.get $o)
      (call $channel (f64.add (f64.add (local.get $c) (f64.mul (f64.const 1.596) (local.get $vf))) (f64.const 0.5))))
    (i32.store8 offset=1 (local.get $o)
      (call $channel (f64.add (f64.sub (f64.sub (local.get $c) (f64.mul (f64.const 0.392) (local.get $uf)))
        (f64.mul (f64.const 0.813) (local.get $vf))) (f64.const 0.5))))
    (i32.store8 offset=2 (local.get $o)
      (call $channel (f64.add (f64.add (local.get $c) (f64.mul (f64.const 2.017) (local.get $uf))) (f64.const 0.5)))))

  ;; The whole frame to RGB24 at $dst. Four pixels (two pairs sharing their chroma) at a time, two lanes of doubles
  ;; each; a row's last pair and an odd last pixel on their own. Each quad writes 16 bytes, each pair 8, of which the
  ;; next pixels overwrite the last 4 or 2: $dst needs 4 bytes of room past the frame.
  (func (export "yuv420_to_rgb") (param $src i32) (param $width i32) (param $height i32) (param $dst i32)
    (param $k f64) (param $gain f64)
    (local $cw i32) (local $u0 i32) (local $v0 i32) (local $y i32) (local $x i32) (local $yrow i32) (local $crow i32)
    (local $ci i32) (local $o i32) (local $pairs i32) (local $u f64) (local $v f64) (local $c v128) (local $kv v128)
    (local $r v128) (local $g v128) (local $b v128) (local $quads i32) (local $yi v128) (local $c1 v128) (local $uv v128)
    (local $vv v128) (local $t v128) (local $half v128) (local $top v128) (local $rgb v128)
    (local.set $half (f64x2.splat (f64.const 0.5)))
    (local.set $top (f64x2.splat (f64.const 255)))
    (local.set $cw (i32.shr_u (i32.add (local.get $width) (i32.const 1)) (i32.const 1)))
    (local.set $u0 (i32.add (local.get $src) (i32.mul (local.get $width) (local.get $height))))
    (local.set $v0 (i32.add (local.get $u0)
      (i32.mul (local.get $cw) (i32.shr_u (i32.add (local.get $height) (i32.const 1)) (i32.const 1)))))
    (local.set $pairs (i32.shr_u (local.get $width) (i32.const 1)))
    (local.set $quads (i32.shr_u (local.get $width) (i32.const 2)))
    (local.set $kv (f64x2.splat (local.get $k)))
    (local.set $o (local.get $dst))
    (local.set $y (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $y) (local.get $height)))
        (local.set $yrow (i32.add (local.get $src) (i32.mul (local.get $y) (local.get $width))))
        (local.set $crow (i32.mul (i32.shr_u (local.get $y) (i32.const 1)) (local.get $cw)))
        (local.set $x (i32.const 0))
        ;; $x counts pairs: two per quad
        (block $quads_done
          (loop $quad
            (br_if $quads_done (i32.ge_u (local.get $x) (i32.shl (local.get $quads) (i32.const 1))))
            (local.set $ci (i32.add (local.get $crow) (local.get $x)))
            ;; Y - 16 of the four pixels; c = k * (Y - 16) for pixels 0-1 ($c) and 2-3 ($c1)
            (local.set $yi (i32x4.sub
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                (v128.load32_zero (i32.add (local.get $yrow) (i32.shl (local.get $x) (i32.const 1))))))
              (i32x4.splat (i32.const 16))))
            (local.set $c (f64x2.mul (local.get $kv) (f64x2.convert_low_i32x4_s (local.get $yi))))
            (local.set $c1 (f64x2.mul (local.get $kv) (f64x2.convert_low_i32x4_s
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $yi) (local.get $yi)))))
            ;; u = gain * (U - 128), v = gain * (V - 128) of both pairs, one per lane
            (local.set $uv (f64x2.mul (f64x2.splat (local.get $gain)) (f64x2.convert_low_i32x4_s (i32x4.sub
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load16_splat (i32.add (local.get $u0) (local.get $ci)))))
              (i32x4.splat (i32.const 128))))))
            (local.set $vv (f64x2.mul (f64x2.splat (local.get $gain)) (f64x2.convert_low_i32x4_s (i32x4.sub
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load16_splat (i32.add (local.get $v0) (local.get $ci)))))
              (i32x4.splat (i32.const 128))))))
            ;; r: the first pair's term in both lanes for pixels 0-1, the second's for 2-3
            (local.set $t (f64x2.mul (f64x2.splat (f64.const 1.596)) (local.get $vv)))
            (local.set $r (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $top) (f64x2.add (f64x2.add (local.get $c)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t))) (local.get $half))))
              (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $top) (f64x2.add (f64x2.add (local.get $c1)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (local.get $half))))))
            ;; g = ((c - 0.392 u) - 0.813 v) + 0.5
            (local.set $t (f64x2.mul (f64x2.splat (f64.const 0.392)) (local.get $uv)))
            (local.set $vv (f64x2.mul (f64x2.splat (f64.const 0.813)) (local.get $vv)))
            (local.set $g (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $top) (f64x2.add (f64x2.sub (f64x2.sub (local.get $c)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t)))
                (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $vv) (local.get $vv))) (local.get $half))))
              (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $top) (f64x2.add (f64x2.sub (f64x2.sub (local.get $c1)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t)))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $vv) (local.get $vv))) (local.get $half))))))
            ;; b = (c + 2.017 u) + 0.5
            (local.set $t (f64x2.mul (f64x2.splat (f64.const 2.017)) (local.get $uv)))
            (local.set $b (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $top) (f64x2.add (f64x2.add (local.get $c)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t))) (local.get $half))))
              (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $top) (f64x2.add (f64x2.add (local.get $c1)
                (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $t) (local.get $t))) (local.get $half))))))
            ;; r0-3 g0-3 b0-3 as bytes, interleaved: r0 g0 b0 r1 ... b3 (+ 4 bytes the next pixels overwrite)
            (local.set $rgb (i8x16.narrow_i16x8_u
              (i16x8.narrow_i32x4_u (local.get $r) (local.get $g))
              (i16x8.narrow_i32x4_u (local.get $b) (local.get $b))))
            (v128.store (local.get $o)
              (i8x16.shuffle 0 4 8 1 5 9 2 6 10 3 7 11 0 0 0 0 (local.get $rgb) (local.get $rgb)))
            (local.set $o (i32.add (local.get $o) (i32.const 12)))
            (local.set $x (i32.add (local.get $x) (i32.const 2)))
            (br $quad)))
        ;; a last pair
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.ge_u (local.get $x) (local.get $pairs)))
            (local.set $ci (i32.add (local.get $crow) (local.get $x)))
            (local.set $u (f64.mul (local.get $gain)
              (f64.convert_i32_s (i32.sub (i32.load8_u (i32.add (local.get $u0) (local.get $ci))) (i32.const 128)))))
            (local.set $v (f64.mul (local.get $gain)
              (f64.convert_i32_s (i32.sub (i32.load8_u (i32.add (local.get $v0) (local.get $ci))) (i32.const 128)))))
            ;; c = k * (Y - 16) for both pixels
            (local.set $c (f64x2.mul (local.get $kv) (f64x2.convert_low_i32x4_s
              (i32x4.sub
                (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                  (v128.load16_splat (i32.add (local.get $yrow) (i32.shl (local.get $x) (i32.const 1))))))
                (i32x4.splat (i32.const 16))))))
            (local.set $r (f64x2.add (f64x2.add (local.get $c) (f64x2.splat (f64.mul (f64.const 1.596) (local.get $v))))
              (f64x2.splat (f64.const 0.5))))
            (local.set $g (f64x2.add
              (f64x2.sub (f64x2.sub (local.get $c) (f64x2.splat (f64.mul (f64.const 0.392) (local.get $u))))
                (f64x2.splat (f64.mul (f64.const 0.813) (local.get $v))))
              (f64x2.splat (f64.const 0.5))))
            (local.set $b (f64x2.add (f64x2.add (local.get $c) (f64x2.splat (f64.mul (f64.const 2.017) (local.get $u))))
              (f64x2.splat (f64.const 0.5))))
            ;; clamped to 255 then truncated; the saturating conversion takes negatives to 0
            (local.set $r (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $r) (f64x2.splat (f64.const 255)))))
            (local.set $g (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $g) (f64x2.splat (f64.const 255)))))
            (local.set $b (i32x4.trunc_sat_f64x2_u_zero (f64x2.min (local.get $b) (f64x2.splat (f64.const 255)))))
            ;; r0 g0 b0 r1 g1 b1 (+ 2 bytes the next pair overwrites)
            (v128.store64_lane 0 (local.get $o)
              (i8x16.shuffle 0 1 16 2 3 20 0 0 0 0 0 0 0 0 0 0
                (i8x16.shuffle 0 16 4 20 0 0 0 0 0 0 0 0 0 0 0 0 (local.get $r) (local.get $g))
                (local.get $b)))
            (local.set $o (i32.add (local.get $o) (i32.const 6)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $pair)))
        ;; an odd width's last pixel
        (if (i32.and (local.get $width) (i32.const 1))
          (then
            (local.set $ci (i32.add (local.get $crow) (local.get $pairs)))
            (call $pixel
              (i32.load8_u (i32.add (local.get $yrow) (i32.sub (local.get $width) (i32.const 1))))
              (i32.load8_u (i32.add (local.get $u0) (local.get $ci)))
              (i32.load8_u (i32.add (local.get $v0) (local.get $ci)))
              (local.get $o) (local.get $k) (local.get $gain))
            (local.set $o (i32.add (local.get $o) (i32.const 3)))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows))))

  ;; acc[i] = f32(acc[i] + src[i] * w) for i < n (or f32(src[i] * w) when $first): one source row's share of an
  ;; output row, four values at a time in double precision.
  (func $accumulate (param $src i32) (param $acc i32) (param $n i32) (param $w f64) (param $first i32)
    (local $i i32) (local $bytes v128) (local $lo v128) (local $hi v128) (local $a v128) (local $wv v128)
    (local $end4 i32) (local $s f64)
    (local.set $wv (f64x2.splat (local.get $w)))
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $bytes (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
          (v128.load32_zero (i32.add (local.get $src) (local.get $i))))))
        (local.set $lo (f64x2.mul (f64x2.convert_low_i32x4_s (local.get $bytes)) (local.get $wv)))
        (local.set $hi (f64x2.mul
          (f64x2.convert_low_i32x4_s (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $bytes) (local.get $bytes)))
          (local.get $wv)))
        (if (i32.eqz (local.get $first))
          (then
            (local.set $a (v128.load (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $lo (f64x2.add (f64x2.promote_low_f32x4 (local.get $a)) (local.get $lo)))
            (local.set $hi (f64x2.add
              (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a) (local.get $a)))
              (local.get $hi)))))
        (v128.store (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2)))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $lo)) (f32x4.demote_f64x2_zero (local.get $hi))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $src) (local.get $i)))) (local.get $w)))
        (if (i32.eqz (local.get $first))
          (then (local.set $s (f64.add
            (f64.promote_f32 (f32.load (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2)))))
            (local.get $s)))))
        (f32.store (i32.add (local.get $acc) (i32.shl (local.get $i) (i32.const 2))) (f32.demote_f64 (local.get $s)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one))))

  ;; Area-averaging shrink of RGB24 bytes (width x height) to dstWidth x dstHeight float32 RGB, each value
  ;; mapped by value * gain + bias. Per axis the caller passes, per output index, the first source index, the
  ;; count and the offset of its weights (int32 each) and the packed weights (float32); rgb-resize.ts' axisWeights.
  ;; $acc holds width * 3 float32.
  (func (export "resize_bytes") (param $src i32) (param $width i32) (param $dstWidth i32) (param $dstHeight i32)
    (param $gain f64) (param $bias f64) (param $xStart i32) (param $xCount i32) (param $xOffset i32) (param $xWeights i32)
    (param $yStart i32) (param $yCount i32) (param $yOffset i32) (param $yWeights i32) (param $acc i32) (param $dst i32)
    (local $row i32) (local $y i32) (local $k i32) (local $n i32) (local $o i32) (local $x i32) (local $q i32)
    (local $m i32) (local $ox i32) (local $d i32) (local $wx f64) (local $r f64) (local $g f64) (local $b f64)
    (local.set $row (i32.mul (local.get $width) (i32.const 3)))
    (local.set $d (local.get $dst))
    (local.set $y (i32.const 0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $y) (local.get $dstHeight)))
        ;; vertical: the weighted sum of the source rows this output row covers
        (local.set $n (i32.load (i32.add (local.get $yCount) (i32.shl (local.get $y) (i32.const 2)))))
        (local.set $o (i32.load (i32.add (local.get $yOffset) (i32.shl (local.get $y) (i32.const 2)))))
        (local.set $q (i32.load (i32.add (local.get $yStart) (i32.shl (local.get $y) (i32.const 2)))))
        (local.set $k (i32.const 0))
        (block $src_done
          (loop $src_rows
            (br_if $src_done (i32.ge_u (local.get $k) (local.get $n)))
            (call $accumulate
              (i32.add (local.get $src) (i32.mul (i32.add (local.get $q) (local.get $k)) (local.get $row)))
              (local.get $acc)
              (local.get $row)
              (f64.mul
                (f64.promote_f32 (f32.load (i32.add (local.get $yWeights) (i32.shl (i32.add (local.get $o) (local.get $k)) (i32.const 2)))))
                (local.get $gain))
              (i32.eqz (local.get $k)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $src_rows)))
        ;; horizontal: the weighted sum of the accumulated columns
        (local.set $x (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_u (local.get $x) (local.get $dstWidth)))
            (local.set $r (local.get $bias))
            (local.set $g (local.get $bias))
            (local.set $b (local.get $bias))
            (local.set $q (i32.add (local.get $acc)
              (i32.mul (i32.load (i32.add (local.get $xStart) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 12))))
            (local.set $m (i32.load (i32.add (local.get $xCount) (i32.shl (local.get $x) (i32.const 2)))))
            (local.set $ox (i32.add (local.get $xWeights)
              (i32.shl (i32.load (i32.add (local.get $xOffset) (i32.shl (local.get $x) (i32.const 2)))) (i32.const 2))))
            (local.set $k (i32.const 0))
            (block $taps_done
              (loop $taps
                (br_if $taps_done (i32.ge_u (local.get $k) (local.get $m)))
                (local.set $wx (f64.promote_f32 (f32.load (local.get $ox))))
                (local.set $r (f64.add (local.get $r) (f64.mul (f64.promote_f32 (f32.load (local.get $q))) (local.get $wx))))
                (local.set $g (f64.add (local.get $g) (f64.mul (f64.promote_f32 (f32.load offset=4 (local.get $q))) (local.get $wx))))
                (local.set $b (f64.add (local.get $b) (f64.mul (f64.promote_f32 (f32.load offset=8 (local.get $q))) (local.get $wx))))
                (local.set $q (i32.add (local.get $q) (i32.const 12)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 4)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $taps)))
            (f32.store (local.get $d) (f32.demote_f64 (local.get $r)))
            (f32.store offset=4 (local.get $d) (f32.demote_f64 (local.get $g)))
            (f32.store offset=8 (local.get $d) (f32.demote_f64 (local.get $b)))
            (local.set $d (i32.add (local.get $d) (i32.const 12)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $cols)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows))))
)
