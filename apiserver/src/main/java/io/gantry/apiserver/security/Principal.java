package io.gantry.apiserver.security;

import java.util.Objects;

/** Who a request comes from, as established by {@link TokenAuthenticator}. */
public sealed interface Principal permits Principal.Admin, Principal.Node, Principal.Joiner, Principal.User,
        Principal.Anonymous {

    /** The user name in Kubernetes terms (what {@code kubectl auth whoami} would show). */
    String name();

    /** Holder of the admin token: may do anything. */
    record Admin() implements Principal {
        @Override
        public String name() {
            return "admin";
        }
    }

    /** An agent, identified by a CA-signed client certificate with common name {@code system:node:NAME}. */
    record Node(String nodeName) implements Principal {
        public static final String PREFIX = "system:node:";

        public Node {
            Objects.requireNonNull(nodeName, "nodeName");
        }

        @Override
        public String name() {
            return PREFIX + nodeName;
        }
    }

    /** Holder of the join token: an agent that has not joined yet and may only ask to. */
    record Joiner() implements Principal {
        @Override
        public String name() {
            return "system:bootstrap";
        }
    }

    /** Any other CA-signed client certificate, known by its common name. */
    record User(String name) implements Principal {
        public User {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A request that carried no credentials at all. */
    record Anonymous() implements Principal {
        @Override
        public String name() {
            return "system:anonymous";
        }
    }
}
