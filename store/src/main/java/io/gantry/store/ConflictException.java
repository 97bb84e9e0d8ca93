package io.gantry.store;

public final class ConflictException extends StoreException {
    private final String key;

    public ConflictException(String key) {
        super("key was modified: " + key, null);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
