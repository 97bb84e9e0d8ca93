package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.gantry.api.patch.TestJson.directives;
import static io.gantry.api.patch.TestJson.node;
import static io.gantry.api.patch.TestJson.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrategicMergePatchTest {

    private static final String DEPLOYMENT = """
            {'apiVersion':'apps/v1','kind':'Deployment',
             'metadata':{'name':'web','namespace':'default','labels':{'app':'web','tier':'front'},
                         'annotations':{'note':'keep','owner':'team-a'},'finalizers':['a.io/one','b.io/two']},
             'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},
                     'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%','maxUnavailable':'25%'}},
                     'template':{'metadata':{'labels':{'app':'web'}},
                                 'spec':{'containers':[
                                     {'name':'web','image':'nginx:1.25',
                                      'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],
                                      'ports':[{'containerPort':80,'protocol':'TCP'}],
                                      'envFrom':[{'configMapRef':{'name':'one'}}]},
                                     {'name':'sidecar','image':'busybox:1.36'}],
                                   'volumes':[{'name':'data','emptyDir':{}},{'name':'cfg','configMap':{'name':'cfg'}}],
                                   'tolerations':[{'key':'k1','operator':'Exists'},{'key':'k2','operator':'Exists'}]}}}}
            """;

    private static ObjectNode patchDeployment(String patch) {
        ObjectNode result = StrategicMergePatch.apply(obj(DEPLOYMENT), obj(patch), Deployment.class);
        assertThat(directives(result)).as("directives left in the result").isEmpty();
        return result;
    }

    private static JsonNode podSpec(JsonNode deployment) {
        return deployment.at("/spec/template/spec");
    }

    private static List<String> names(JsonNode list, String key) {
        List<String> names = new ArrayList<>();
        list.forEach(item -> names.add(item.get(key).asText()));
        return names;
    }

    @Nested
    class WhatKubectlSends {
        @Test
        void clientSideApplyChangesImageAndRemovesEnvVar() {
            ObjectNode result = patchDeployment("""
                    {'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'}],
                      'containers':[{'$setElementOrder/env':[{'name':'A'}],'env':[{'$patch':'delete','name':'B'}],
                                     'image':'nginx:1.27','name':'web'}]}}}}""");
            JsonNode web = podSpec(result).at("/containers/0");
            assertThat(web.get("image").asText()).isEqualTo("nginx:1.27");
            assertThat(web.get("env")).isEqualTo(node("[{'name':'A','value':'1'}]"));
            assertThat(web.get("ports")).isEqualTo(node("[{'containerPort':80,'protocol':'TCP'}]"));
            // the sidecar was not in the applied configuration's order list but is kept after it
            assertThat(names(podSpec(result).get("containers"), "name")).containsExactly("web", "sidecar");
        }

        @Test
        void clientSideApplyAddsContainerInTheOrderGiven() {
            ObjectNode original = obj(DEPLOYMENT);
            ((com.fasterxml.jackson.databind.node.ArrayNode) original.at("/spec/template/spec/containers")).remove(1);
            ObjectNode result = StrategicMergePatch.apply(original, obj("""
                    {'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'log'}],
                      'containers':[{'image':'busybox','name':'log'}]}}}}"""), Deployment.class);
            assertThat(podSpec(result).get("containers")).isEqualTo(node("""
                    [{'name':'web','image':'nginx:1.25','env':[{'name':'A','value':'1'},{'name':'B','value':'2'}],
                      'ports':[{'containerPort':80,'protocol':'TCP'}],'envFrom':[{'configMapRef':{'name':'one'}}]},
                     {'image':'busybox','name':'log'}]"""));
        }

        @Test
        void setElementOrderPlacesLiveOnlyElementsLikeKubernetes() {
            ObjectNode original = obj("""
                    {'spec':{'template':{'spec':{'containers':[{'name':'web','env':[
                      {'name':'A','value':'1'},{'name':'X','value':'server'},{'name':'B','value':'2'}]}]}}}}""");
            ObjectNode result = StrategicMergePatch.apply(original, obj("""
                    {'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'}],'containers':[
                      {'name':'web','$setElementOrder/env':[{'name':'A'},{'name':'C'}],
                       'env':[{'name':'C','value':'3'},{'$patch':'delete','name':'B'}]}]}}}}"""), Deployment.class);
            assertThat(names(podSpec(result).at("/containers/0/env"), "name")).containsExactly("A", "C", "X");
        }

        @Test
        void labelAndAnnotationRemovalWithNull() {
            ObjectNode result = patchDeployment("{'metadata':{'labels':{'tier':null,'new':'yes'},'annotations':{'note':null}}}");
            assertThat(result.get("metadata").get("labels")).isEqualTo(node("{'app':'web','new':'yes'}"));
            assertThat(result.get("metadata").get("annotations")).isEqualTo(node("{'owner':'team-a'}"));
        }

        @Test
        void nullForAMissingKeyIsIgnored() {
            ObjectNode result = patchDeployment("{'metadata':{'labels':{'absent':null}},'spec':{'paused':null}}");
            assertThat(result).isEqualTo(obj(DEPLOYMENT));
        }

        @Test
        void setImageKeepsOtherContainersAndTheirOrder() {
            ObjectNode result = patchDeployment(
                    "{'spec':{'template':{'spec':{'containers':[{'image':'busybox:1.37','name':'sidecar'}]}}}}");
            JsonNode containers = podSpec(result).get("containers");
            assertThat(names(containers, "name")).containsExactly("web", "sidecar");
            assertThat(containers.at("/1/image").asText()).isEqualTo("busybox:1.37");
            assertThat(containers.get(0)).isEqualTo(podSpec(obj(DEPLOYMENT)).at("/containers/0"));
        }

        @Test
        void rolloutRestartAddsTemplateAnnotation() {
            ObjectNode result = patchDeployment("""
                    {'spec':{'template':{'metadata':{'annotations':
                      {'kubectl.kubernetes.io/restartedAt':'2026-11-26T00:00:00Z'}}}}}""");
            assertThat(result.at("/spec/template/metadata")).isEqualTo(node("""
                    {'labels':{'app':'web'},'annotations':{'kubectl.kubernetes.io/restartedAt':'2026-11-26T00:00:00Z'}}"""));
            assertThat(podSpec(result)).isEqualTo(podSpec(obj(DEPLOYMENT)));
        }

        @Test
        void scaleChangesReplicasOnly() {
            ObjectNode expected = obj(DEPLOYMENT);
            ((ObjectNode) expected.get("spec")).put("replicas", 5);
            assertThat(patchDeployment("{'spec':{'replicas':5}}")).isEqualTo(expected);
        }

        @Test
        void retainKeysSwitchesStrategyFromRollingUpdateToRecreate() {
            ObjectNode result = patchDeployment("{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}");
            assertThat(result.at("/spec/strategy")).isEqualTo(node("{'type':'Recreate'}"));
        }

        @Test
        void retainKeysWithExplicitNullAsKubectlSends() {
            ObjectNode result = patchDeployment(
                    "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'}}}");
            assertThat(result.at("/spec/strategy")).isEqualTo(node("{'type':'Recreate'}"));
        }

        @Test
        void retainKeysMustCoverThePatchedKeys() {
            assertThatThrownBy(() -> patchDeployment(
                    "{'spec':{'strategy':{'$retainKeys':['type'],'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}"))
                    .isInstanceOf(PatchException.class)
                    .hasMessageContaining("retainKeys")
                    .extracting(e -> ((PatchException) e).code()).isEqualTo(422);
        }

        @Test
        void volumeSourceSwitchWithRetainKeys() {
            ObjectNode result = patchDeployment("""
                    {'spec':{'template':{'spec':{'$setElementOrder/volumes':[{'name':'data'},{'name':'cfg'}],
                      'volumes':[{'$retainKeys':['name','persistentVolumeClaim'],'emptyDir':null,'name':'data',
                                  'persistentVolumeClaim':{'claimName':'data-pvc'}}]}}}}""");
            assertThat(podSpec(result).get("volumes")).isEqualTo(node("""
                    [{'name':'data','persistentVolumeClaim':{'claimName':'data-pvc'}},
                     {'name':'cfg','configMap':{'name':'cfg'}}]"""));
        }

        @Test
        void volumeRetainKeysWithoutExplicitNull() {
            ObjectNode result = patchDeployment("""
                    {'spec':{'template':{'spec':{'volumes':[{'$retainKeys':['name','secret'],'name':'cfg',
                      'secret':{'secretName':'s'}}]}}}}""");
            assertThat(podSpec(result).get("volumes")).isEqualTo(node("""
                    [{'name':'data','emptyDir':{}},{'name':'cfg','secret':{'secretName':'s'}}]"""));
        }

        @Test
        void finalizersAreUnionedWithNewOnesFirstAsKubernetesOrdersThem() {
            ObjectNode result = patchDeployment("{'metadata':{'finalizers':['c.io/three']}}");
            assertThat(result.at("/metadata/finalizers")).isEqualTo(node("['c.io/three','a.io/one','b.io/two']"));
            // a patch element that is already live anchors the order: live ones before it stay before it
            result = patchDeployment("{'metadata':{'finalizers':['b.io/two','c.io/three','b.io/two']}}");
            assertThat(result.at("/metadata/finalizers")).isEqualTo(node("['a.io/one','b.io/two','c.io/three']"));
        }

        @Test
        void finalizersWithSetElementOrder() {
            ObjectNode result = patchDeployment("""
                    {'metadata':{'$setElementOrder/finalizers':['a.io/one','b.io/two','c.io/three'],
                                 'finalizers':['c.io/three']}}""");
            assertThat(result.at("/metadata/finalizers")).isEqualTo(node("['a.io/one','b.io/two','c.io/three']"));
        }

        @Test
        void deleteFromPrimitiveListRemovesFinalizer() {
            ObjectNode result = patchDeployment("""
                    {'metadata':{'$deleteFromPrimitiveList/finalizers':['a.io/one'],
                                 '$setElementOrder/finalizers':['b.io/two']}}""");
            assertThat(result.at("/metadata/finalizers")).isEqualTo(node("['b.io/two']"));
        }

        @Test
        void deleteFromPrimitiveListTogetherWithAddition() {
            ObjectNode result = patchDeployment("""
                    {'metadata':{'$deleteFromPrimitiveList/finalizers':['a.io/one'],'finalizers':['c.io/three']}}""");
            assertThat(result.at("/metadata/finalizers")).isEqualTo(node("['c.io/three','b.io/two']"));
        }

        @Test
        void patchReplaceOnAList() {
            ObjectNode result = patchDeployment("""
                    {'spec':{'template':{'spec':{'containers':[{'name':'only','image':'alpine'},{'$patch':'replace'}]}}}}""");
            assertThat(podSpec(result).get("containers")).isEqualTo(node("[{'name':'only','image':'alpine'}]"));
        }

        @Test
        void patchDeleteOnAListElementWithoutOrderDirective() {
            ObjectNode result = patchDeployment(
                    "{'spec':{'template':{'spec':{'containers':[{'$patch':'delete','name':'sidecar'}]}}}}");
            assertThat(names(podSpec(result).get("containers"), "name")).containsExactly("web");
        }

        @Test
        void newListElementsComeFirstWithoutOrderDirective() {
            // what `kubectl patch` shows in the Kubernetes docs: the added container precedes the existing ones
            ObjectNode result = patchDeployment(
                    "{'spec':{'template':{'spec':{'containers':[{'name':'log','image':'busybox'}]}}}}");
            assertThat(names(podSpec(result).get("containers"), "name")).containsExactly("log", "web", "sidecar");
        }

        @Test
        void setElementOrderAloneReordersAList() {
            ObjectNode result = patchDeployment(
                    "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'sidecar'},{'name':'web'}]}}}}");
            assertThat(names(podSpec(result).get("containers"), "name")).containsExactly("sidecar", "web");
        }

        @Test
        void setElementOrderMustAgreeWithThePatchList() {
            assertThatThrownBy(() -> patchDeployment("""
                    {'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'web'},{'name':'sidecar'}],
                      'containers':[{'name':'sidecar','image':'x'},{'name':'web','image':'y'}]}}}}"""))
                    .isInstanceOf(PatchException.class).hasMessageContaining("$setElementOrder");
        }

        @Test
        void listsWithoutStrategyAreReplaced() {
            ObjectNode result = patchDeployment("""
                    {'spec':{'template':{'spec':{'tolerations':[{'key':'k3','operator':'Exists'}],
                      'containers':[{'name':'web','envFrom':[{'secretRef':{'name':'two'}}]}]}}}}""");
            assertThat(podSpec(result).get("tolerations")).isEqualTo(node("[{'key':'k3','operator':'Exists'}]"));
            assertThat(podSpec(result).at("/containers/0/envFrom")).isEqualTo(node("[{'secretRef':{'name':'two'}}]"));
        }

        @Test
        void envAndPortsMergeByTheirKeys() {
            ObjectNode result = patchDeployment("""
                    {'spec':{'template':{'spec':{'containers':[{'name':'web',
                      'env':[{'name':'B','value':'two'}],
                      'ports':[{'containerPort':80,'name':'http'},{'containerPort':443,'name':'https'}]}]}}}}""");
            JsonNode web = podSpec(result).at("/containers/0");
            assertThat(web.get("env")).isEqualTo(node("[{'name':'A','value':'1'},{'name':'B','value':'two'}]"));
            assertThat(web.get("ports")).isEqualTo(node("""
                    [{'containerPort':80,'protocol':'TCP','name':'http'},{'containerPort':443,'name':'https'}]"""));
        }
    }

    @Nested
    class Directives {
        @Test
        void patchReplaceOnAMap() {
            ObjectNode result = patchDeployment("{'metadata':{'labels':{'$patch':'replace','only':'this'}}}");
            assertThat(result.at("/metadata/labels")).isEqualTo(node("{'only':'this'}"));
        }

        @Test
        void patchDeleteOnAMapEmptiesIt() {
            ObjectNode result = patchDeployment("{'metadata':{'annotations':{'$patch':'delete'}}}");
            assertThat(result.at("/metadata/annotations")).isEqualTo(node("{}"));
        }

        @Test
        void patchMergeIsTheDefault() {
            ObjectNode result = patchDeployment("{'metadata':{'labels':{'$patch':'merge','x':'y'}}}");
            assertThat(result.at("/metadata/labels")).isEqualTo(node("{'app':'web','tier':'front','x':'y'}"));
        }

        @Test
        void directivesInsideNewValuesAreDropped() {
            ObjectNode original = obj("{'metadata':{'name':'p'},'spec':{}}");
            ObjectNode result = StrategicMergePatch.apply(original, obj("""
                    {'spec':{'$setElementOrder/containers':[{'name':'a'}],
                      'containers':[{'name':'a','$setElementOrder/env':[{'name':'X'}],'env':[{'name':'X','value':'1'}],
                                     'resources':{'$patch':'replace','limits':{'cpu':'1'}}}],
                      'volumes':[{'$retainKeys':['name','emptyDir'],'name':'v','emptyDir':{}},{'$patch':'delete','name':'w'}]}}"""),
                    Pod.class);
            assertThat(directives(result)).isEmpty();
            assertThat(result.get("spec")).isEqualTo(node("""
                    {'containers':[{'name':'a','env':[{'name':'X','value':'1'}],'resources':{'limits':{'cpu':'1'}}}],
                     'volumes':[{'name':'v','emptyDir':{}}]}"""));
        }

        @Test
        void unknownPatchTypeIsRejected() {
            assertThatThrownBy(() -> patchDeployment("{'metadata':{'labels':{'$patch':'explode'}}}"))
                    .isInstanceOf(PatchException.class).hasMessageContaining("unknown patch type");
            assertThatThrownBy(() -> patchDeployment(
                    "{'spec':{'template':{'spec':{'containers':[{'$patch':'explode','name':'web'}]}}}}"))
                    .isInstanceOf(PatchException.class).hasMessageContaining("unknown patch type");
        }

        @Test
        void elementsWithoutMergeKeyAreRejected() {
            assertThatThrownBy(() -> patchDeployment(
                    "{'spec':{'template':{'spec':{'containers':[{'image':'nameless'}]}}}}"))
                    .isInstanceOf(PatchException.class)
                    .hasMessageContaining("does not contain declared merge key: name")
                    .extracting(e -> ((PatchException) e).code()).isEqualTo(400);
        }

        @Test
        void malformedDirectivesAreRejected() {
            assertThatThrownBy(() -> patchDeployment("{'spec':{'strategy':{'$retainKeys':'type'}}}"))
                    .isInstanceOf(PatchException.class);
            assertThatThrownBy(() -> patchDeployment("{'metadata':{'$deleteFromPrimitiveList/finalizers':'a'}}"))
                    .isInstanceOf(PatchException.class);
            assertThatThrownBy(() -> patchDeployment("{'metadata':{'$setElementOrder/finalizers':'a'}}"))
                    .isInstanceOf(PatchException.class);
        }
    }

    @Nested
    class OtherTypes {
        @Test
        void servicePortsMergeByPort() {
            ObjectNode service = obj("""
                    {'kind':'Service','metadata':{'name':'web'},'spec':{'selector':{'app':'web'},'ports':[
                      {'name':'http','port':80,'targetPort':8080,'protocol':'TCP'},
                      {'name':'https','port':443,'targetPort':8443,'protocol':'TCP'}]}}""");
            ObjectNode result = StrategicMergePatch.apply(service,
                    obj("{'spec':{'ports':[{'port':80,'targetPort':9090}]}}"), Service.class);
            assertThat(result.at("/spec/ports")).isEqualTo(node("""
                    [{'name':'http','port':80,'targetPort':9090,'protocol':'TCP'},
                     {'name':'https','port':443,'targetPort':8443,'protocol':'TCP'}]"""));
        }

        @Test
        void mergeKeysCompareNumbersByValue() {
            ObjectNode service = obj("{'spec':{'ports':[{'port':80,'name':'http'}]}}");
            ObjectNode patch = obj("{'spec':{'ports':[{'name':'web'}]}}");
            ((ObjectNode) patch.at("/spec/ports/0")).set("port", LongNode.valueOf(80L));
            ObjectNode result = StrategicMergePatch.apply(service, patch, Service.class);
            assertThat(result.at("/spec/ports").size()).isEqualTo(1);
            assertThat(result.at("/spec/ports/0/name").asText()).isEqualTo("web");
        }

        @Test
        void podStatusConditionsMergeByType() {
            ObjectNode pod = obj("""
                    {'status':{'phase':'Pending','conditions':[{'type':'PodScheduled','status':'True'},
                                                               {'type':'Ready','status':'False'}]}}""");
            ObjectNode result = StrategicMergePatch.apply(pod, obj("""
                    {'status':{'phase':'Running','conditions':[{'type':'Ready','status':'True'}]}}"""), Pod.class);
            assertThat(result.get("status")).isEqualTo(node("""
                    {'phase':'Running','conditions':[{'type':'PodScheduled','status':'True'},{'type':'Ready','status':'True'}]}"""));
        }

        @Test
        void nodeAddressesMergeByTypeAndTaintsAreReplaced() {
            ObjectNode node = obj("""
                    {'spec':{'taints':[{'key':'a','effect':'NoSchedule'}]},
                     'status':{'addresses':[{'type':'InternalIP','address':'10.0.0.1'},{'type':'Hostname','address':'n1'}]}}""");
            ObjectNode result = StrategicMergePatch.apply(node, obj("""
                    {'spec':{'taints':[{'key':'b','effect':'NoExecute'}]},
                     'status':{'addresses':[{'type':'InternalIP','address':'10.0.0.2'}]}}"""), Node.class);
            assertThat(result.at("/spec/taints")).isEqualTo(node("[{'key':'b','effect':'NoExecute'}]"));
            assertThat(result.at("/status/addresses")).isEqualTo(node("""
                    [{'type':'InternalIP','address':'10.0.0.2'},{'type':'Hostname','address':'n1'}]"""));
        }

        @Test
        void ownerReferencesMergeByUid() {
            ObjectNode pod = obj("{'metadata':{'ownerReferences':[{'uid':'1','kind':'ReplicaSet','name':'rs'}]}}");
            ObjectNode result = StrategicMergePatch.apply(pod, obj("""
                    {'metadata':{'ownerReferences':[{'uid':'1','controller':true},{'uid':'2','kind':'Job','name':'j'}]}}"""),
                    Pod.class);
            assertThat(result.at("/metadata/ownerReferences")).isEqualTo(node("""
                    [{'uid':'1','kind':'ReplicaSet','name':'rs','controller':true},{'uid':'2','kind':'Job','name':'j'}]"""));
        }

        @Test
        void daemonSetUpdateStrategyHasNoRetainKeysTagButHonoursTheDirective() {
            ObjectNode ds = obj("{'spec':{'updateStrategy':{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':1}}}}");
            ObjectNode merged = StrategicMergePatch.apply(ds, obj("{'spec':{'updateStrategy':{'type':'OnDelete'}}}"),
                    DaemonSet.class);
            assertThat(merged.at("/spec/updateStrategy")).isEqualTo(
                    node("{'type':'OnDelete','rollingUpdate':{'maxUnavailable':1}}"));
            ObjectNode retained = StrategicMergePatch.apply(ds,
                    obj("{'spec':{'updateStrategy':{'$retainKeys':['type'],'type':'OnDelete'}}}"), DaemonSet.class);
            assertThat(retained.at("/spec/updateStrategy")).isEqualTo(node("{'type':'OnDelete'}"));
        }

        @Test
        void unknownFieldsMergeLikeMergePatch() {
            ObjectNode original = obj("{'spec':{'replicas':1},'extra':{'a':{'b':1,'c':2},'list':[{'name':'x','v':1}]}}");
            ObjectNode result = StrategicMergePatch.apply(original,
                    obj("{'extra':{'a':{'b':null,'d':3},'list':[{'name':'x','v':2}]}}"), Deployment.class);
            assertThat(result).isEqualTo(
                    obj("{'spec':{'replicas':1},'extra':{'a':{'c':2,'d':3},'list':[{'name':'x','v':2}]}}"));
        }
    }

    @Test
    void inputsAreNotModified() {
        ObjectNode original = obj(DEPLOYMENT);
        ObjectNode patch = obj("""
                {'metadata':{'labels':{'tier':null}},'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'},
                 'template':{'spec':{'$setElementOrder/containers':[{'name':'web'}],
                   'containers':[{'name':'web','env':[{'$patch':'delete','name':'B'}]}]}}}}""");
        ObjectNode patchCopy = patch.deepCopy();
        StrategicMergePatch.apply(original, patch, Deployment.class);
        assertThat(original).isEqualTo(obj(DEPLOYMENT));
        assertThat(patch).isEqualTo(patchCopy);
    }

    @Test
    void wholeObjectDirectives() {
        assertThat(StrategicMergePatch.apply(obj(DEPLOYMENT), obj("{'$patch':'delete'}"), Deployment.class))
                .isEqualTo(obj("{}"));
        assertThat(StrategicMergePatch.apply(obj(DEPLOYMENT), obj("{'$patch':'replace','kind':'Deployment'}"),
                Deployment.class)).isEqualTo(obj("{'kind':'Deployment'}"));
    }
}
