package io.gantry.api.patch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static io.gantry.api.patch.TestJson.node;
import static io.gantry.api.patch.TestJson.obj;
import static org.assertj.core.api.Assertions.assertThat;

class ApplyMergeTest {

    private static final String LIVE = """
            {'apiVersion':'apps/v1','kind':'Deployment',
             'metadata':{'name':'web','uid':'u-1','resourceVersion':'7','labels':{'app':'web','added-by':'controller'},
                         'finalizers':['a.io/one','b.io/two']},
             'spec':{'replicas':3,'revisionHistoryLimit':10,'selector':{'matchLabels':{'app':'web'}},
                     'template':{'metadata':{'labels':{'app':'web'}},
                                 'spec':{'restartPolicy':'Always','containers':[
                                     {'name':'web','image':'nginx:1.25','imagePullPolicy':'IfNotPresent',
                                      'env':[{'name':'A','value':'1'},{'name':'B','value':'2'}]},
                                     {'name':'injected','image':'proxy:1'}],
                                   'tolerations':[{'key':'k1','operator':'Exists'}]}}},
             'status':{'replicas':3,'readyReplicas':3}}
            """;

    private static ObjectNode apply(String applied) {
        return ApplyMerge.apply(obj(LIVE), obj(applied), Deployment.class);
    }

    @Test
    void appliedFieldsOverwriteAndAbsentFieldsAreKept() {
        ObjectNode result = apply("""
                {'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','labels':{'app':'web','env':'prod'}},
                 'spec':{'replicas':5}}""");
        assertThat(result.at("/spec/replicas").asInt()).isEqualTo(5);
        assertThat(result.at("/metadata/labels")).isEqualTo(node("{'app':'web','added-by':'controller','env':'prod'}"));
        assertThat(result.at("/metadata/uid").asText()).isEqualTo("u-1");
        assertThat(result.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(result.get("status")).isEqualTo(node("{'replicas':3,'readyReplicas':3}"));
        assertThat(result.at("/spec/template")).isEqualTo(obj(LIVE).at("/spec/template"));
    }

    @Test
    void listsWithMergeKeyMergeByKeyAndNewElementsAreAppended() {
        ObjectNode result = apply("""
                {'spec':{'template':{'spec':{'containers':[
                   {'name':'web','image':'nginx:1.27','env':[{'name':'B','value':'two'},{'name':'C','value':'3'}]},
                   {'name':'log','image':'busybox'}]}}}}""");
        assertThat(result.at("/spec/template/spec/containers")).isEqualTo(node("""
                [{'name':'web','image':'nginx:1.27','imagePullPolicy':'IfNotPresent',
                  'env':[{'name':'A','value':'1'},{'name':'B','value':'two'},{'name':'C','value':'3'}]},
                 {'name':'injected','image':'proxy:1'},
                 {'name':'log','image':'busybox'}]"""));
    }

    @Test
    void atomicListsAreReplacedAndPrimitiveSetsGainTheAppliedValues() {
        ObjectNode result = apply("""
                {'metadata':{'finalizers':['c.io/three','a.io/one']},
                 'spec':{'template':{'spec':{'tolerations':[{'key':'k2','operator':'Exists'}]}}}}""");
        assertThat(result.at("/metadata/finalizers")).isEqualTo(node("['a.io/one','b.io/two','c.io/three']"));
        assertThat(result.at("/spec/template/spec/tolerations")).isEqualTo(node("[{'key':'k2','operator':'Exists'}]"));
    }

    @Test
    void nullRemovesAField() {
        ObjectNode result = apply("{'metadata':{'labels':{'added-by':null}},'spec':{'revisionHistoryLimit':null}}");
        assertThat(result.at("/metadata/labels")).isEqualTo(node("{'app':'web'}"));
        assertThat(result.get("spec").has("revisionHistoryLimit")).isFalse();
    }

    @Test
    void typeChangesReplace() {
        ObjectNode result = apply("{'spec':{'template':{'spec':{'containers':'oops'}}}}");
        assertThat(result.at("/spec/template/spec/containers").asText()).isEqualTo("oops");
    }

    @Test
    void servicePortsMergeByPort() {
        ObjectNode live = obj("""
                {'spec':{'clusterIP':'10.96.0.10','ports':[{'name':'http','port':80,'targetPort':8080,'protocol':'TCP'}]}}""");
        ObjectNode result = ApplyMerge.apply(live,
                obj("{'spec':{'ports':[{'port':80,'targetPort':9090},{'port':443,'name':'https'}]}}"), Service.class);
        assertThat(result.get("spec")).isEqualTo(node("""
                {'clusterIP':'10.96.0.10','ports':[{'name':'http','port':80,'targetPort':9090,'protocol':'TCP'},
                                                   {'port':443,'name':'https'}]}"""));
    }

    @Test
    void inputsAreNotModified() {
        ObjectNode live = obj(LIVE);
        ObjectNode applied = obj("{'spec':{'template':{'spec':{'containers':[{'name':'web','image':'x'}]}}}}");
        ObjectNode appliedCopy = applied.deepCopy();
        ObjectNode result = ApplyMerge.apply(live, applied, Deployment.class);
        assertThat(live).isEqualTo(obj(LIVE));
        assertThat(applied).isEqualTo(appliedCopy);
        ((ObjectNode) result.at("/spec/template/spec/containers/0")).put("image", "changed");
        assertThat(applied).isEqualTo(appliedCopy);
    }
}
