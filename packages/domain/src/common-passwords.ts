// A small list of very common passwords of 10+ characters (from public breach-frequency lists).
// A real deployment can extend it; it catches the guesses attackers try first.
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '1234567890', '12345678910', '123456789a', '0123456789', '0987654321', '1111111111', '0000000000',
  '1q2w3e4r5t', '1qaz2wsx3edc', 'qwertyuiop', 'qwerty1234', 'qwerty12345', 'qwertyuiop123', 'asdfghjkl1',
  'password12', 'password123', 'password1234', 'password!1', 'passw0rd12', 'p@ssw0rd12', 'p@ssword123',
  'iloveyou12', 'iloveyou123', 'sunshine12', 'princess12', 'football12', 'baseball12', 'welcome123',
  'letmein123', 'monkey1234', 'dragon1234', 'abc1234567', 'abcdefghij', 'abcd123456', 'a123456789',
  'trustno1234', 'superman12', 'michael123', 'charlie123', 'jennifer12', 'jessica123', 'computer12',
  'changeme123', 'administrator', 'adminadmin', 'admin12345', 'secret1234', 'loveme1234', 'starwars12',
  'whatever12', 'freedom123', 'recovery123', 'sobriety123', 'onedayatatime', 'serenity123', 'higherpower',
  'qazwsxedcrfv', 'zaq12wsxcde', 'asdfasdfasdf', 'zxcvbnm123', '1234qwerty', '123qweasdzxc', 'q1w2e3r4t5',
  'aaaaaaaaaa', 'passwordpassword', 'football123', 'basketball', 'basketball1', 'iloveyou1234',
]);
