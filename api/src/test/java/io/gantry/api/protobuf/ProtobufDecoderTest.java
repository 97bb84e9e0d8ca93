package io.gantry.api.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Resource.Quantity;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V2beta2Autoscaling;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProtobufDecoderTest {

    /** The wire form client-go sends: magic prefix, then the Unknown envelope around the object's bytes. */
    private static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(ByteString.copyFrom(raw))
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'k', '8', 's', 0});
        out.writeBytes(unknown.toByteArray());
        return out.toByteArray();
    }

    private static ObjectNode decode(String apiVersion, String kind, Message object) {
        return ProtobufDecoder.decode(envelope(apiVersion, kind, object.toByteArray()));
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Quantity quantity(String s) {
        return Quantity.newBuilder().setString(s).build();
    }

    /** What the Go client writes for metadata it did not fill: every plain field, empty, and a zero Time. */
    private static ObjectMeta.Builder goMeta(String name) {
        return ObjectMeta.newBuilder().setName(name).setGenerateName("").setNamespace("").setSelfLink("")
                .setUid("").setResourceVersion("").setGeneration(0)
                .setCreationTimestamp(Meta.Time.getDefaultInstance());
    }

    @Test
    void namespaceGetsTypeFromTheEnvelopeAndDropsGoZeroValues() {
        V1.Namespace ns = V1.Namespace.newBuilder()
                .setMetadata(goMeta("team-a").putLabels("env", "dev"))
                .setSpec(V1.NamespaceSpec.getDefaultInstance())
                .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
                .build();

        ObjectNode json = decode("v1", "Namespace", ns);

        assertThat(json).isEqualTo(json("""
                {"apiVersion":"v1","kind":"Namespace",
                 "metadata":{"name":"team-a","labels":{"env":"dev"}},"spec":{},"status":{}}"""));
        assertThat(json.fieldNames().next()).isEqualTo("apiVersion");
    }

    @Test
    void deploymentWithPodTemplatePortsEnvAndQuantities() {
        V1.Container container = V1.Container.newBuilder()
                .setName("web").setImage("nginx:1.27")
                .addPorts(V1.ContainerPort.newBuilder().setName("http").setContainerPort(8080).setHostPort(0)
                        .setProtocol("TCP"))
                .addEnv(V1.EnvVar.newBuilder().setName("MODE").setValue("fast"))
                .addEnv(V1.EnvVar.newBuilder().setName("EMPTY").setValue(""))
                .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", quantity("500m")).putLimits("memory", quantity("128Mi"))
                        .putRequests("cpu", quantity("100m")))
                .setStdin(false).setTty(false)
                .build();
        V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
                .setMetadata(goMeta("web").setNamespace("shop"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder()
                        .setReplicas(2)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(goMeta("").putLabels("app", "web"))
                                .setSpec(V1.PodSpec.newBuilder().addContainers(container).setHostNetwork(false)))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntOrString.newBuilder().setType(1).setStrVal("25%"))
                                        .setMaxUnavailable(IntOrString.newBuilder().setType(0).setIntVal(0))))
                        .setMinReadySeconds(0)
                        .setRevisionHistoryLimit(0))
                .build();

        ObjectNode json = decode("apps/v1", "Deployment", deployment);

        assertThat(json.at("/metadata")).isEqualTo(json("{\"name\":\"web\",\"namespace\":\"shop\"}"));
        JsonNode spec = json.path("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(2);
        assertThat(spec.path("minReadySeconds").isMissingNode()).isTrue();
        // a pointer field set to 0 is a choice and survives
        assertThat(spec.path("revisionHistoryLimit").isInt()).isTrue();
        assertThat(spec.at("/strategy/rollingUpdate")).isEqualTo(json(
                "{\"maxSurge\":\"25%\",\"maxUnavailable\":0}"));
        assertThat(spec.at("/template/metadata")).isEqualTo(json("{\"labels\":{\"app\":\"web\"}}"));
        assertThat(spec.at("/template/spec")).isEqualTo(json("""
                {"containers":[{"name":"web","image":"nginx:1.27",
                  "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
                  "env":[{"name":"MODE","value":"fast"},{"name":"EMPTY"}],
                  "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"100m"}}}]}"""));
    }

    @Test
    void secretBytesBecomeBase64AndEmptyMapValuesStay() {
        V1.Secret secret = V1.Secret.newBuilder()
                .setMetadata(goMeta("creds"))
                .putData("password", ByteString.copyFrom("s3cret\u0000\u00ff", StandardCharsets.ISO_8859_1))
                .putData("empty", ByteString.EMPTY)
                .putStringData("user", "")
                .setType("Opaque")
                .build();

        ObjectNode json = decode("v1", "Secret", secret);

        assertThat(json.at("/data/password").asText()).isEqualTo("czNjcmV0AP8=");
        assertThat(json.at("/data/empty").asText()).isEmpty();
        assertThat(json.at("/stringData/user").isTextual()).isTrue();
        assertThat(json.path("type").asText()).isEqualTo("Opaque");
    }

    @Test
    void serviceTargetPortsAsNumberOrName() {
        V1.Service service = V1.Service.newBuilder()
                .setMetadata(goMeta("web"))
                .setSpec(V1.ServiceSpec.newBuilder()
                        .setType("ClusterIP")
                        .putSelector("app", "web")
                        .setHealthCheckNodePort(0)
                        .addPorts(V1.ServicePort.newBuilder().setName("http").setPort(80).setNodePort(0)
                                .setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080)))
                        .addPorts(V1.ServicePort.newBuilder().setName("metrics").setPort(9090)
                                .setTargetPort(IntOrString.newBuilder().setType(1).setStrVal("metrics"))))
                .build();

        JsonNode spec = decode("v1", "Service", service).path("spec");

        assertThat(spec).isEqualTo(json("""
                {"ports":[{"name":"http","port":80,"targetPort":8080},
                          {"name":"metrics","port":9090,"targetPort":"metrics"}],
                 "selector":{"app":"web"},"type":"ClusterIP"}"""));
    }

    @Test
    void cronJobWithJobTemplateAndTimes() {
        V1Batch.CronJob cronJob = V1Batch.CronJob.newBuilder()
                .setMetadata(goMeta("tick").setCreationTimestamp(
                        Meta.Time.newBuilder().setSeconds(1_700_000_000L).setNanos(123_000_000)))
                .setSpec(V1Batch.CronJobSpec.newBuilder()
                        .setSchedule("*/5 * * * *")
                        .setSuspend(false)
                        .setJobTemplate(V1Batch.JobTemplateSpec.newBuilder()
                                .setMetadata(goMeta("tick"))
                                .setSpec(V1Batch.JobSpec.newBuilder().setBackoffLimit(0)
                                        .setTemplate(V1.PodTemplateSpec.newBuilder().setSpec(V1.PodSpec.newBuilder()
                                                .setRestartPolicy("OnFailure")
                                                .addContainers(V1.Container.newBuilder().setName("tick")
                                                        .setImage("busybox:1.36").addCommand("date")))))))
                .setStatus(V1Batch.CronJobStatus.newBuilder()
                        .setLastScheduleTime(Meta.Time.newBuilder().setSeconds(0)))
                .build();

        ObjectNode json = decode("batch/v1", "CronJob", cronJob);

        assertThat(json.at("/metadata/creationTimestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(json.at("/spec/schedule").asText()).isEqualTo("*/5 * * * *");
        assertThat(json.at("/spec/suspend").isBoolean()).isTrue();
        assertThat(json.at("/spec/jobTemplate/spec/backoffLimit").isInt()).isTrue();
        assertThat(json.at("/spec/jobTemplate/spec/template/spec/containers/0/command/0").asText()).isEqualTo("date");
        assertThat(json.at("/status/lastScheduleTime").asText()).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void inlineEmbeddedStructsAreSpreadIntoTheirParent() {
        V1.Pod pod = V1.Pod.newBuilder()
                .setMetadata(goMeta("p"))
                .setSpec(V1.PodSpec.newBuilder()
                        .addVolumes(V1.Volume.newBuilder().setName("cfg").setVolumeSource(V1.VolumeSource.newBuilder()
                                .setConfigMap(V1.ConfigMapVolumeSource.newBuilder()
                                        .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("settings")))))
                        .addContainers(V1.Container.newBuilder().setName("c").setImage("i")
                                .setReadinessProbe(V1.Probe.newBuilder().setPeriodSeconds(5)
                                        .setHandler(V1.ProbeHandler.newBuilder().setHttpGet(V1.HTTPGetAction.newBuilder()
                                                .setPath("/healthz")
                                                .setPort(IntOrString.newBuilder().setType(1).setStrVal("http")))))))
                .build();

        JsonNode spec = decode("v1", "Pod", pod).path("spec");

        assertThat(spec.at("/volumes/0")).isEqualTo(json(
                "{\"name\":\"cfg\",\"configMap\":{\"name\":\"settings\"}}"));
        assertThat(spec.at("/containers/0/readinessProbe")).isEqualTo(json(
                "{\"httpGet\":{\"path\":\"/healthz\",\"port\":\"http\"},\"periodSeconds\":5}"));
    }

    @Test
    void ingressRuleValueIsInline() {
        V1Networking.Ingress ingress = V1Networking.Ingress.newBuilder()
                .setMetadata(goMeta("ing"))
                .setSpec(V1Networking.IngressSpec.newBuilder().addRules(V1Networking.IngressRule.newBuilder()
                        .setHost("foo.example.com")
                        .setIngressRuleValue(V1Networking.IngressRuleValue.newBuilder().setHttp(
                                V1Networking.HTTPIngressRuleValue.newBuilder().addPaths(
                                        V1Networking.HTTPIngressPath.newBuilder().setPath("/").setPathType("Prefix")
                                                .setBackend(V1Networking.IngressBackend.newBuilder().setService(
                                                        V1Networking.IngressServiceBackend.newBuilder().setName("web")
                                                                .setPort(V1Networking.ServiceBackendPort.newBuilder()
                                                                        .setName("http").setNumber(0)))))))))
                .build();

        JsonNode rule = decode("networking.k8s.io/v1", "Ingress", ingress).at("/spec/rules/0");

        assertThat(rule).isEqualTo(json("""
                {"host":"foo.example.com","http":{"paths":[{"path":"/","pathType":"Prefix",
                  "backend":{"service":{"name":"web","port":{"name":"http"}}}}]}}"""));
    }

    @Test
    void microTimeRawExtensionAndManagedFields() {
        V1.Event event = V1.Event.newBuilder()
                .setMetadata(goMeta("e").addManagedFields(Meta.ManagedFieldsEntry.newBuilder()
                        .setManager("kubectl").setOperation("Update").setFieldsType("FieldsV1")
                        .setFieldsV1(Meta.FieldsV1.newBuilder().setRaw(ByteString.copyFromUtf8("{\"f:data\":{}}")))))
                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1_700_000_000L).setNanos(123_456_789))
                .setReason("Started")
                .build();
        ObjectNode json = decode("v1", "Event", event);
        assertThat(json.path("eventTime").asText()).isEqualTo("2023-11-14T22:13:20.123456Z");
        assertThat(json.at("/metadata/managedFields/0/fieldsV1")).isEqualTo(json("{\"f:data\":{}}"));

        V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
                .setMetadata(goMeta("rev"))
                .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{\"spec\":{\"a\":1}}")))
                .setRevision(3)
                .build();
        ObjectNode rev = decode("apps/v1", "ControllerRevision", revision);
        assertThat(rev.path("data")).isEqualTo(json("{\"spec\":{\"a\":1}}"));
        assertThat(rev.path("revision").asLong()).isEqualTo(3);
    }

    @Test
    void fieldsNewerThanTheSchemaAreDropped() {
        V1.ConfigMap cm = V1.ConfigMap.newBuilder().setMetadata(goMeta("cfg")).putData("a", "b")
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build())
                .build();

        assertThat(decode("v1", "ConfigMap", cm)).isEqualTo(json(
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cfg\"},\"data\":{\"a\":\"b\"}}"));
    }

    @Test
    void autoscalingV2UsesTheIdenticalV2beta2Layout() {
        V2beta2Autoscaling.HorizontalPodAutoscaler hpa = V2beta2Autoscaling.HorizontalPodAutoscaler.newBuilder()
                .setMetadata(goMeta("web"))
                .setSpec(V2beta2Autoscaling.HorizontalPodAutoscalerSpec.newBuilder()
                        .setScaleTargetRef(V2beta2Autoscaling.CrossVersionObjectReference.newBuilder()
                                .setKind("Deployment").setName("web").setApiVersion("apps/v1"))
                        .setMinReplicas(1).setMaxReplicas(3)
                        .addMetrics(V2beta2Autoscaling.MetricSpec.newBuilder().setType("Resource")
                                .setResource(V2beta2Autoscaling.ResourceMetricSource.newBuilder().setName("cpu")
                                        .setTarget(V2beta2Autoscaling.MetricTarget.newBuilder().setType("Utilization")
                                                .setAverageUtilization(80)))))
                .build();

        ObjectNode json = decode("autoscaling/v2", "HorizontalPodAutoscaler", hpa);

        assertThat(json.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(json.at("/spec/maxReplicas").asInt()).isEqualTo(3);
        assertThat(json.at("/spec/metrics/0/resource/target/averageUtilization").asInt()).isEqualTo(80);
    }

    @Test
    void deleteOptionsAreFoundUnderAnyGroupVersion() {
        Meta.DeleteOptions options = Meta.DeleteOptions.newBuilder().setGracePeriodSeconds(0)
                .setPropagationPolicy("Foreground").build();

        ObjectNode json = decode("apps/v1", "DeleteOptions", options);

        assertThat(json).isEqualTo(json("""
                {"apiVersion":"apps/v1","kind":"DeleteOptions","gracePeriodSeconds":0,"propagationPolicy":"Foreground"}"""));
    }

    @Test
    void kindWithoutSchemaIsUnsupportedMediaType() {
        byte[] body = envelope("coordination.k8s.io/v1", "Lease", new byte[0]);

        assertThatThrownBy(() -> ProtobufDecoder.decode(body))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo(415);
                    assertThat(e.getMessage()).contains("Lease", "coordination.k8s.io/v1", "application/json");
                });
    }

    @Test
    void malformedBodiesAreBadRequests() {
        assertThatThrownBy(() -> ProtobufDecoder.decode("{\"kind\":\"Namespace\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> ProtobufDecoder.decode(new byte[] {'k', '8', 's', 0, (byte) 0xff, 0x01}))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> ProtobufDecoder.decode(envelope("", "", new byte[0])))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
        assertThatThrownBy(() -> ProtobufDecoder.decode(envelope("v1", "Namespace", new byte[] {0x0a, 0x05, 'x'})))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400));
    }
}
