package io.gantry.api.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.kubernetes.client.proto.Runtime;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Decodes request bodies in the Kubernetes protobuf encoding ({@code application/vnd.kubernetes.protobuf}) into
 * the JSON tree the rest of the server works on.
 *
 * <p>The wire format is the magic prefix {@code k8s\0} followed by a {@code runtime.Unknown} envelope whose
 * {@code typeMeta} names the object's apiVersion and kind and whose {@code raw} holds the object's own message.
 * Schemas come from the generated descriptors of client-java-proto, which predate the newest Kubernetes releases:
 * fields added since then are dropped, and kinds of groups those descriptors lack are refused with 415 so the
 * client can send JSON instead.
 */
public final class ProtobufDecoder {
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ProtobufDecoder() {
    }

    /**
     * The object in {@code body} as JSON, with {@code apiVersion} and {@code kind} taken from the envelope.
     *
     * @throws ApiException 400 for a body that is not a well-formed envelope or message, 415 for a kind whose
     *                      schema this server does not have
     */
    public static ObjectNode decode(byte[] body) {
        if (!hasMagic(body)) {
            throw ApiException.badRequest("the protobuf body does not start with the Kubernetes magic prefix");
        }
        Runtime.Unknown envelope;
        try {
            envelope = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.badRequest("the protobuf envelope could not be decoded: " + e.getMessage());
        }
        String apiVersion = envelope.getTypeMeta().getApiVersion();
        String kind = envelope.getTypeMeta().getKind();
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw ApiException.badRequest("the protobuf envelope does not name the object's apiVersion and kind");
        }
        if (!envelope.getContentEncoding().isEmpty()) {
            throw unsupported("content encoding " + envelope.getContentEncoding() + " of " + kind
                    + " is not supported");
        }
        ObjectNode object = Json.object();
        object.put("apiVersion", apiVersion);
        object.put("kind", kind);
        object.setAll(content(envelope, apiVersion, kind));
        return object;
    }

    private static ObjectNode content(Runtime.Unknown envelope, String apiVersion, String kind) {
        byte[] raw = envelope.getRaw().toByteArray();
        String contentType = envelope.getContentType();
        // the envelope may carry JSON; client-go leaves contentType empty for protobuf
        if (contentType.startsWith("application/json")) {
            try {
                JsonNode node = Json.MAPPER.readTree(raw);
                if (node instanceof ObjectNode o) {
                    o.remove(List.of("apiVersion", "kind"));
                    return o;
                }
                throw ApiException.badRequest("the object in the protobuf envelope is not a JSON object");
            } catch (IOException e) {
                throw ApiException.badRequest("the JSON in the protobuf envelope could not be decoded: "
                        + e.getMessage());
            }
        }
        if (!contentType.isEmpty() && !contentType.startsWith(MEDIA_TYPE)) {
            throw unsupported("content type " + contentType + " inside the protobuf envelope is not supported");
        }
        Descriptor schema = ProtoSchemas.find(apiVersion, kind).orElseThrow(() -> unsupported(
                "this server cannot decode " + kind + " in " + apiVersion + " from protobuf; send it as "
                        + "application/json"));
        try {
            return ProtoJson.object(DynamicMessage.parseFrom(schema, raw));
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.badRequest("the protobuf body of " + kind + " could not be decoded: " + e.getMessage());
        }
    }

    static boolean hasMagic(byte[] body) {
        return body.length >= MAGIC.length && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    private static ApiException unsupported(String message) {
        return new ApiException(415, "UnsupportedMediaType", message, null, null, null, List.of());
    }
}
