package dev.isvcpolicy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline check on the kinds of RULES.md §1 v2: an InferenceGraph is mutated and validated like a component, and
 * ScaledObjects, HTTPScaledObjects and LLMInferenceServices in the run are judged against each other, across files.
 */
class CheckKindsTest {

    @TempDir
    Path dir;

    @Test
    void theRunsGraphsLlmServicesAndScaledObjectsAreJudgedAgainstEachOther() throws Exception {
        Path graph = dir.resolve("graph.yaml");
        Files.writeString(graph, """
                apiVersion: serving.kserve.io/v1alpha1
                kind: InferenceGraph
                metadata: {name: g, namespace: team}
                spec:
                  nodes: {root: {routerType: Sequence, steps: [{serviceName: m}]}}
                """);
        Path llm = dir.resolve("llm.yaml");
        Files.copy(Path.of("src/test/resources/reference/kserve/llminferenceservice-scaling-example.yaml"), llm);
        Path scalers = dir.resolve("scalers.yaml");
        Files.writeString(scalers, """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: on-graph, namespace: team}
                spec: {scaleTargetRef: {name: g-00001-deployment}}
                ---
                apiVersion: http.keda.sh/v1alpha1
                kind: HTTPScaledObject
                metadata: {name: on-llm}
                spec: {scaleTargetRef: {name: llama-keda-kserve, service: llama-keda, port: 8000}}
                """);
        Cli.Run run = Cli.run("-o", "json", "--default-mode", "Knative", graph.toString(), llm.toString(), scalers.toString());
        assertEquals(CheckCommand.DENIED, run.code(), run.out() + run.err());
        Map<String, JsonNode> byName = new HashMap<>();
        run.json().path("objects").forEach(o -> byName.put(o.path("kind").asText() + "/" + o.path("name").asText(), o));
        assertEquals(4, byName.size(), byName.keySet().toString());
        assertEquals("denied", byName.get("ScaledObject/on-graph").path("verdict").asText(), "a ScaledObject on the run's graph");
        assertEquals("denied", byName.get("InferenceGraph/g").path("verdict").asText(), "the graph beside that ScaledObject");
        assertEquals("denied", byName.get("HTTPScaledObject/on-llm").path("verdict").asText(), "an HTTPScaledObject on the run's LLM service");
        assertEquals("denied", byName.get("LLMInferenceService/llama-keda").path("verdict").asText(), "the LLM service beside it");
        JsonNode llmFinding = byName.get("LLMInferenceService/llama-keda").path("findings").get(0);
        assertEquals("spec.scaling", llmFinding.path("path").asText(), llmFinding.toString());
        String graphPatch = byName.get("InferenceGraph/g").path("mutations").toString();
        assertTrue(graphPatch.contains("/spec/minReplicas") && graphPatch.contains("/metadata/annotations"), graphPatch);

        // The text's last line counts each kind on its own (it once counted every other kind as a ScaledObject).
        String summary = Cli.run("--default-mode", "Knative", graph.toString(), llm.toString(), scalers.toString()).out().strip();
        summary = summary.substring(summary.lastIndexOf('\n') + 1);
        assertEquals("3 files: 0 InferenceServices (0 denied, 0 allowed with warnings, 0 to be patched), 1 InferenceGraph (1 denied, "
                + "0 allowed with warnings, 1 to be patched), 1 LLMInferenceService (1 denied, 0 allowed with warnings), 1 ScaledObject "
                + "(1 denied: checked against this run's InferenceServices), 1 HTTPScaledObject (1 denied: checked against this run's "
                + "InferenceServices); exit 1", summary);

        Cli.run("--fix", graph.toString());
        String fixed = Files.readString(graph);
        assertTrue(fixed.contains("minReplicas: 1") && fixed.contains("autoscaling.knative.dev/class"), fixed);
    }

    /**
     * Offline, an HTTPScaledObject stands for the ScaledObject its operator makes on a cluster: an InferenceService or a
     * graph whose Deployment it targets is judged as beside that ScaledObject, unless it skips making one.
     */
    @Test
    void anHttpScaledObjectStandsForItsScaledObjectWhenTheRunsInferenceServicesAreJudged() throws Exception {
        Path file = dir.resolve("web.yaml");
        String isvc = """
                apiVersion: serving.kserve.io/v1beta1
                kind: InferenceService
                metadata: {name: web, namespace: default, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec:
                  predictor: {minReplicas: 1, scaleMetric: cpu, model: {modelFormat: {name: sklearn}}}
                ---
                apiVersion: serving.kserve.io/v1alpha1
                kind: InferenceGraph
                metadata: {name: g, namespace: default, annotations: {serving.kserve.io/deploymentMode: Standard}}
                spec:
                  minReplicas: 1
                  nodes: {root: {routerType: Sequence, steps: [{serviceName: web}]}}
                ---
                apiVersion: http.keda.sh/v1alpha1
                kind: HTTPScaledObject
                metadata: {name: web-http, namespace: default%s}
                spec: {scaleTargetRef: {name: web-predictor, kind: Deployment, apiVersion: apps/v1, service: web-predictor, port: 80}}
                ---
                apiVersion: http.keda.sh/v1alpha1
                kind: HTTPScaledObject
                metadata: {name: g-http, namespace: default%s}
                spec: {scaleTargetRef: {name: g, kind: Deployment, apiVersion: apps/v1, service: g, port: 80}}
                """;
        Files.writeString(file, isvc.formatted("", ""));
        Map<String, String> verdicts = new HashMap<>();
        Cli.run("-o", "json", file.toString()).json().path("objects")
                .forEach(o -> verdicts.put(o.path("kind").asText() + "/" + o.path("name").asText(), o.path("verdict").asText()));
        assertEquals("denied", verdicts.get("InferenceService/web"), verdicts.toString());
        assertEquals("denied", verdicts.get("InferenceGraph/g"), verdicts.toString());

        String skip = ", annotations: {httpscaledobject.keda.sh/skip-scaledobject-creation: \"true\"}";
        Files.writeString(file, isvc.formatted(skip, skip));
        verdicts.clear();
        Cli.run("-o", "json", file.toString()).json().path("objects")
                .forEach(o -> verdicts.put(o.path("kind").asText() + "/" + o.path("name").asText(), o.path("verdict").asText()));
        assertTrue(!"denied".equals(verdicts.get("InferenceService/web")) && !"denied".equals(verdicts.get("InferenceGraph/g")),
                "no ScaledObject is made: " + verdicts);
    }
}
