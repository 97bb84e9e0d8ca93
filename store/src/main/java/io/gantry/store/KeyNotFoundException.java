package io.gantry.store;

public final class KeyNotFoundException extends StoreException {
    private final String key;

    public KeyNotFoundException(String key) {
        super("key not found: " + key, null);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
