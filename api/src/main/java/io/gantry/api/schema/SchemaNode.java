package io.gantry.api.schema;

/**
 * The shape of one JSON value as the Kubernetes OpenAPI documents describe it.
 * Named object types are referenced by name so that the graph stays finite for recursive models.
 */
public sealed interface SchemaNode {

    /** A named object type, see {@link TypeGraph#named(String)}. */
    record Ref(String name) implements SchemaNode {
    }

    record ArrayOf(SchemaNode items) implements SchemaNode {
    }

    /** A JSON object with arbitrary keys whose values all share one shape. */
    record MapOf(SchemaNode values) implements SchemaNode {
    }

    /**
     * A JSON primitive.
     *
     * @param type   OpenAPI type: string, integer, number or boolean
     * @param format OpenAPI format such as int32, int64, double or date-time; null when none
     */
    record Scalar(String type, String format) implements SchemaNode {
        public static final Scalar STRING = new Scalar("string", null);
        public static final Scalar INT32 = new Scalar("integer", "int32");
        public static final Scalar INT64 = new Scalar("integer", "int64");
        public static final Scalar DOUBLE = new Scalar("number", "double");
        public static final Scalar BOOLEAN = new Scalar("boolean", null);
        public static final Scalar DATE_TIME = new Scalar("string", "date-time");
    }

    /**
     * A value that may be a JSON number or a string (IntOrString, Quantity).
     *
     * @param name the Kubernetes schema name of the type, e.g. io.k8s.apimachinery.pkg.util.intstr.IntOrString
     */
    record IntOrString(String name) implements SchemaNode {
    }

    /** Any JSON value; the subtree is kept as is and never checked. */
    record FreeForm() implements SchemaNode {
    }
}
