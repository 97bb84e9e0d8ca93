package io.gantry.store;

public final class KeyExistsException extends StoreException {
    private final String key;

    public KeyExistsException(String key) {
        super("key already exists: " + key, null);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
