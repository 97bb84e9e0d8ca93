package io.gantry.apiserver.rest;

/** Answers whether objects may be created in a namespace. */
public interface NamespaceLookup {
    /** @throws io.gantry.api.ApiException 404 if the namespace does not exist, 403 if it is terminating */
    void requireWritable(String namespace);
}
