package dev.isvcpolicy.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvelopeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void readsTheFieldsTheWebhookUsesAndDropsNullGroups() throws Exception {
        Envelope e = Envelope.read(json("{'uid':'u1','kind':{'group':'serving.kserve.io','version':'v1beta1','kind':'InferenceService'},"
                + "'operation':'CREATE','namespace':'ns','name':'n','dryRun':true,"
                + "'userInfo':{'username':'alice','groups':['a',null,'b']},'resource':{'group':5},'options':{'kind':'CreateOptions'}}"), "u1");
        assertEquals(new Envelope("u1", "serving.kserve.io", "v1beta1", "InferenceService", "CREATE", "ns", "n", true, "alice",
                List.of("a", "b")), e);
    }

    @Test
    void absentAndNullFieldsAreNull() throws Exception {
        Envelope e = Envelope.read(json("{'uid':'u1','kind':null,'userInfo':{'groups':null},'dryRun':null}"), "u1");
        assertEquals(new Envelope("u1", null, null, null, null, null, null, null, null, List.of()), e);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'operation':1}|request.operation must be a string",
        "{'namespace':true}|request.namespace must be a string",
        "{'name':{}}|request.name must be a string",
        "{'kind':'InferenceService'}|request.kind must be an object",
        "{'kind':{'kind':[]}}|request.kind.kind must be a string",
        "{'kind':{'group':1}}|request.kind.group must be a string",
        "{'dryRun':'yes'}|request.dryRun must be true or false",
        "{'userInfo':'alice'}|request.userInfo must be an object",
        "{'userInfo':{'username':2}}|request.userInfo.username must be a string",
        "{'userInfo':{'groups':{'a':1}}}|request.userInfo.groups must be a list",
        "{'userInfo':{'groups':['a',3]}}|request.userInfo.groups[1] must be a string",
    })
    void aFieldOfTheWrongTypeIsABadReviewNamingItsPath(String request, String message) throws Exception {
        BadReview bad = assertThrows(BadReview.class, () -> Envelope.read(json(request), "u1"));
        assertEquals("AdmissionReview request is malformed: " + message, bad.getMessage());
        assertEquals("u1", bad.uid(), "the answer can still echo the uid");
    }

    /** RULES.md §7: a dry run is marked as one even when another field of its request is malformed. */
    @Test
    void aMalformedDryRunStillSaysItIsOne() throws Exception {
        assertEquals(Boolean.TRUE, assertThrows(BadReview.class,
                () -> Envelope.read(json("{'dryRun':true,'userInfo':{'groups':'admins'}}"), "u1")).dryRun());
        assertEquals(null, assertThrows(BadReview.class, () -> Envelope.read(json("{'dryRun':'yes'}"), "u1")).dryRun());
        assertEquals(Boolean.FALSE, assertThrows(BadReview.class, () -> Envelope.read(json("{'dryRun':false,'name':1}"), "u1")).dryRun());
    }

    @Test
    void theDecodedReviewCarriesTheEnvelope() throws Exception {
        byte[] body = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("bench/mutate-review.json"));
        ReviewCodec.Decoded d = ReviewCodec.decode(body);
        JsonNode request = JSON.readTree(body).path("request");
        assertEquals(request.path("uid").asText(), d.uid());
        assertEquals(request.path("operation").asText(), d.request().operation());
        assertEquals(request.path("kind").path("kind").asText(), d.request().kind());
        assertEquals(request.path("object"), d.object());
        assertEquals(request.hasNonNull("oldObject") ? request.get("oldObject") : null, d.oldObject());
    }
}
