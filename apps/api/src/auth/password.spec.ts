import { decoyPasswordHash, generatePassword, hashPassword, verifyPassword } from './password';

describe('password hashing', () => {
  it('hashes with scrypt and a random salt, and verifies', async () => {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{44}$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery staple', first)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('treats canonically equal Unicode the same', async () => {
    const composed = 'caf\u00e9-password-1';
    const decomposed = 'cafe\u0301-password-1';
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it('never matches a malformed or tampered hash, and refuses absurd parameters', async () => {
    const hash = await hashPassword('some long password');
    for (const stored of ['', 'plain', 'scrypt$1$1$1$$', hash.replace('scrypt', 'bcrypt'), hash.replace('$32768$', '$1073741824$'), hash.replace('$32768$', '$1000$'), hash.slice(0, -4)]) {
      expect(await verifyPassword('some long password', stored), stored).toBe(false);
    }
  });

  it('keeps older parameters verifiable', async () => {
    const { scryptSync, randomBytes } = await import('node:crypto');
    const salt = randomBytes(16);
    const key = scryptSync('legacy password!', salt, 32, { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword('legacy password!', `scrypt$1024$8$1$${salt.toString('base64')}$${key.toString('base64')}`)).toBe(true);
  });

  it('has a decoy hash that nothing matches, and generates strong passwords', async () => {
    const decoy = await decoyPasswordHash();
    expect(await decoyPasswordHash()).toBe(decoy);
    expect(await verifyPassword('', decoy)).toBe(false);
    const generated = generatePassword();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(generated);
  });
});
