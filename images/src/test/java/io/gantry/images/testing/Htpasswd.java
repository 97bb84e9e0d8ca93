package io.gantry.images.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * htpasswd lines with bcrypt hashes, which is all docker-registry's htpasswd auth accepts. The hash comes
 * from the host's libcrypt (libxcrypt, present on every glibc system), so no bcrypt library is needed.
 */
public final class Htpasswd {
    interface LibCrypt extends Library {
        /** Returns a setting string with a random salt, e.g. {@code $2b$05$...}; the salt comes from the OS. */
        String crypt_gensalt(String prefix, long count, byte[] randomBytes, int randomLength);

        String crypt(String phrase, String setting);
    }

    private static final Object LOCK = new Object(); // crypt() returns a static buffer

    private Htpasswd() {
    }

    /** {@code user:$2b$05$...}: cost 5 keeps tests fast; it is a test fixture, not a password store. */
    public static String line(String user, String password) {
        synchronized (LOCK) {
            LibCrypt crypt = Native.load("crypt", LibCrypt.class);
            String setting = crypt.crypt_gensalt("$2b$", 5, null, 0);
            if (setting == null) {
                throw new IllegalStateException("libcrypt cannot make bcrypt salts (crypt_gensalt $2b$ failed)");
            }
            String hash = crypt.crypt(password, setting);
            if (hash == null || !hash.startsWith("$2b$")) {
                throw new IllegalStateException("libcrypt did not produce a bcrypt hash: " + hash);
            }
            return user + ":" + hash;
        }
    }
}
