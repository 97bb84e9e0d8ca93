package io.gantry.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.gantry.api.patch.TestJson.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RFC 6902, with the examples of its appendix A. */
class JsonPatchTest {

    private static JsonNode apply(String target, String patch) {
        return JsonPatch.apply(node(target), node(patch));
    }

    private static PatchException failure(String target, String patch) {
        try {
            apply(target, patch);
        } catch (PatchException e) {
            return e;
        }
        throw new AssertionError("patch " + patch + " applied to " + target + " should have failed");
    }

    @Test
    void addsObjectMember() { // A.1
        assertThat(apply("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]"))
                .isEqualTo(node("{'baz':'qux','foo':'bar'}"));
    }

    @Test
    void addsArrayElement() { // A.2
        assertThat(apply("{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]"))
                .isEqualTo(node("{'foo':['bar','qux','baz']}"));
    }

    @Test
    void removesObjectMember() { // A.3
        assertThat(apply("{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]"))
                .isEqualTo(node("{'foo':'bar'}"));
    }

    @Test
    void removesArrayElement() { // A.4
        assertThat(apply("{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]"))
                .isEqualTo(node("{'foo':['bar','baz']}"));
    }

    @Test
    void replacesValue() { // A.5
        assertThat(apply("{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]"))
                .isEqualTo(node("{'baz':'boo','foo':'bar'}"));
    }

    @Test
    void movesValue() { // A.6
        assertThat(apply("{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
                "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]"))
                .isEqualTo(node("{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}"));
    }

    @Test
    void movesArrayElement() { // A.7
        assertThat(apply("{'foo':['all','grass','cows','eat']}", "[{'op':'move','from':'/foo/1','path':'/foo/3'}]"))
                .isEqualTo(node("{'foo':['all','cows','eat','grass']}"));
    }

    @Test
    void passingTestsLeaveTheDocumentAlone() { // A.8
        String doc = "{'baz':'qux','foo':['a',2,'c']}";
        assertThat(apply(doc, "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]"))
                .isEqualTo(node(doc));
    }

    @Test
    void failingTestIsUnprocessable() { // A.9
        PatchException e = failure("{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]");
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.getMessage()).contains("/baz");
    }

    @Test
    void addsNestedMember() { // A.10
        assertThat(apply("{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]"))
                .isEqualTo(node("{'foo':'bar','child':{'grandchild':{}}}"));
    }

    @Test
    void ignoresUnrecognizedMembers() { // A.11
        assertThat(apply("{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux','xyz':123}]"))
                .isEqualTo(node("{'foo':'bar','baz':'qux'}"));
    }

    @Test
    void addingUnderAMissingParentFails() { // A.12
        PatchException e = failure("{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]");
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.getMessage()).contains("/baz/bat");
    }

    @Test
    void unescapesTildeBeforeSlash() { // A.14
        assertThat(apply("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':10}]"))
                .isEqualTo(node("{'/':9,'~1':10}"));
    }

    @Test
    void testComparesTypes() { // A.15
        assertThat(failure("{'/':9,'~1':10}", "[{'op':'test','path':'/~01','value':'10'}]").code()).isEqualTo(422);
    }

    @Test
    void appendsWithDash() { // A.16
        assertThat(apply("{'foo':['bar']}", "[{'op':'add','path':'/foo/-','value':['abc','def']}]"))
                .isEqualTo(node("{'foo':['bar',['abc','def']]}"));
    }

    @Test
    void escapedSlashAddressesALabelKey() {
        assertThat(apply("{'metadata':{'labels':{'app.kubernetes.io/name':'web','tier':'front'}}}",
                "[{'op':'remove','path':'/metadata/labels/app.kubernetes.io~1name'},"
                        + "{'op':'add','path':'/metadata/labels/a~0b','value':'x'}]"))
                .isEqualTo(node("{'metadata':{'labels':{'tier':'front','a~b':'x'}}}"));
    }

    @Test
    void copiesValues() {
        assertThat(apply("{'a':{'b':[1,2]}}", "[{'op':'copy','from':'/a/b','path':'/c'},{'op':'add','path':'/c/-','value':3}]"))
                .isEqualTo(node("{'a':{'b':[1,2]},'c':[1,2,3]}"));
    }

    @Test
    void testComparesNumbersByValueAndObjectsStructurally() {
        assertThat(apply("{'a':1.0,'b':{'x':[1,{'y':null}]}}",
                "[{'op':'test','path':'/a','value':1},{'op':'test','path':'/b','value':{'x':[1,{'y':null}]}}]"))
                .isEqualTo(node("{'a':1.0,'b':{'x':[1,{'y':null}]}}"));
    }

    @Test
    void replaceAndRemoveOfMissingPathsFail() {
        assertThat(failure("{'a':1}", "[{'op':'replace','path':'/b','value':2}]").code()).isEqualTo(422);
        assertThat(failure("{'a':1}", "[{'op':'remove','path':'/b'}]").code()).isEqualTo(422);
        assertThat(failure("{'a':[1]}", "[{'op':'remove','path':'/a/1'}]").code()).isEqualTo(422);
        assertThat(failure("{'a':[1]}", "[{'op':'replace','path':'/a/-','value':2}]").code()).isEqualTo(422);
        assertThat(failure("{'a':{}}", "[{'op':'copy','from':'/x','path':'/a/y'}]").code()).isEqualTo(422);
        assertThat(failure("{'a':1}", "[{'op':'move','from':'/x','path':'/a'}]").code()).isEqualTo(422);
    }

    @Test
    void arrayIndexesMustBeCanonical() {
        assertThat(failure("{'a':[1,2]}", "[{'op':'add','path':'/a/01','value':0}]").code()).isEqualTo(422);
        assertThat(failure("{'a':[1,2]}", "[{'op':'add','path':'/a/3','value':0}]").code()).isEqualTo(422);
        assertThat(apply("{'a':[1,2]}", "[{'op':'add','path':'/a/2','value':3}]")).isEqualTo(node("{'a':[1,2,3]}"));
    }

    @Test
    void cannotMoveIntoItsOwnChild() {
        assertThat(failure("{'a':{'b':{}}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]").code()).isEqualTo(422);
    }

    @Test
    void rootCanBeReplaced() {
        assertThat(apply("{'a':1}", "[{'op':'replace','path':'','value':{'b':2}}]")).isEqualTo(node("{'b':2}"));
    }

    @Test
    void malformedPatchesAreBadRequests() {
        assertThat(failure("{}", "{'op':'add','path':'/a','value':1}").code()).isEqualTo(400);
        assertThat(failure("{}", "[{'op':'frobnicate','path':'/a'}]").code()).isEqualTo(400);
        assertThat(failure("{}", "[{'path':'/a','value':1}]").code()).isEqualTo(400);
        assertThat(failure("{}", "[{'op':'add','path':'a','value':1}]").code()).isEqualTo(400);
        assertThat(failure("{}", "[{'op':'add','path':'/a'}]").code()).isEqualTo(400);
        assertThat(failure("{}", "[{'op':'add','path':'/a~2','value':1}]").code()).isEqualTo(400);
    }

    @Test
    void failureLeavesTargetUntouchedAndAppliesNothing() {
        JsonNode target = node("{'a':1}");
        assertThatThrownBy(() -> JsonPatch.apply(target, node(
                "[{'op':'add','path':'/b','value':2},{'op':'test','path':'/a','value':5}]")))
                .isInstanceOf(PatchException.class);
        assertThat(target).isEqualTo(node("{'a':1}"));
        JsonPatch.apply(target, node("[{'op':'add','path':'/b','value':2}]"));
        assertThat(target).isEqualTo(node("{'a':1}"));
    }
}
