package dev.isvcpolicy.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.isvcpolicy.admission.ReviewCodec;
import dev.isvcpolicy.admission.Responses;
import dev.isvcpolicy.patch.PatchOp;
import dev.isvcpolicy.policy.Finding;
import dev.isvcpolicy.policy.Notice;
import dev.isvcpolicy.policy.Operation;
import dev.isvcpolicy.policy.PolicyEngine;
import dev.isvcpolicy.policy.PolicySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The engine alone, per typical review: decode the AdmissionReview, run the rules, build the patch
 * or the refusal, encode the answer. {@code decodeEncodeOnly} is the baseline in the same run: the
 * JSON work a review costs without any policy. Run with bench/jmh.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class EngineBenchmark {

    private byte[] mutateBody;
    private byte[] validateBody;
    private PolicyEngine engine;

    @Setup
    public void setup() throws Exception {
        mutateBody = Files.readAllBytes(Path.of("bench/mutate-review.json"));
        validateBody = Files.readAllBytes(Path.of("bench/validate-review.json"));
        engine = new PolicyEngine(PolicySettings.defaults());
    }

    private PolicyEngine.Input input(ReviewCodec.Decoded d) {
        return new PolicyEngine.Input(Operation.valueOf(d.request().operation()), (ObjectNode) d.object(), d.oldObject(),
                d.request().namespace(), Optional.empty());
    }

    @Benchmark
    public byte[] decodeEncodeOnly() throws Exception {
        ReviewCodec.Decoded d = ReviewCodec.decode(mutateBody);
        return ReviewCodec.encode(Responses.review(Responses.allow(d.uid(), java.util.List.of(), Map.of())));
    }

    @Benchmark
    public byte[] mutate() throws Exception {
        ReviewCodec.Decoded d = ReviewCodec.decode(mutateBody);
        PolicyEngine.MutationResult r = engine.mutate(input(d));
        return ReviewCodec.encode(Responses.review(Responses.patch(d.uid(), r.ops(),
                r.notices().stream().map(Notice::line).toList(), Map.of("decision", "patched"))));
    }

    /** {@link #mutate} as the handler runs it since issue 16: the decoded object edited in place, no working copy. */
    @Benchmark
    public byte[] mutateInPlace() throws Exception {
        ReviewCodec.Decoded d = ReviewCodec.decode(mutateBody);
        PolicyEngine.MutationResult r = engine.mutateInPlace(input(d));
        return ReviewCodec.encode(Responses.review(Responses.patch(d.uid(), r.ops(),
                r.notices().stream().map(Notice::line).toList(), Map.of("decision", "patched"))));
    }

    /** {@code /mutate} of an object that needs no edit (the validate payload, already mutated), on a working copy. */
    @Benchmark
    public byte[] mutateNothingToDo() throws Exception {
        ReviewCodec.Decoded d = ReviewCodec.decode(validateBody);
        PolicyEngine.MutationResult r = engine.mutate(input(d));
        return ReviewCodec.encode(Responses.review(Responses.patch(d.uid(), r.ops(),
                r.notices().stream().map(Notice::line).toList(), Map.of("decision", "allowed"))));
    }

    /** The same, in place, as the handler runs it. */
    @Benchmark
    public byte[] mutateNothingToDoInPlace() throws Exception {
        ReviewCodec.Decoded d = ReviewCodec.decode(validateBody);
        PolicyEngine.MutationResult r = engine.mutateInPlace(input(d));
        return ReviewCodec.encode(Responses.review(Responses.patch(d.uid(), r.ops(),
                r.notices().stream().map(Notice::line).toList(), Map.of("decision", "allowed"))));
    }

    /** The body parsed into a tree, nothing else: what decoding costs before the envelope is mapped. */
    @Benchmark
    public Object decodeTreeOnly() throws Exception {
        return MAPPER.readTree(mutateBody);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The whole decode (tree, checks, envelope read into an Envelope). */
    @Benchmark
    public Object decodeOnly() throws Exception {
        return ReviewCodec.decode(mutateBody);
    }

    /** Mutate plus its audit line, as the server writes it for every review. */
    @Benchmark
    public String mutateWithAuditLine() throws Exception {
        ReviewCodec.Decoded d = ReviewCodec.decode(mutateBody);
        PolicyEngine.MutationResult r = engine.mutate(input(d));
        ReviewCodec.encode(Responses.review(Responses.patch(d.uid(), r.ops(),
                r.notices().stream().map(Notice::line).toList(), Map.of("decision", "patched"))));
        dev.isvcpolicy.audit.AuditRecord record = new dev.isvcpolicy.audit.AuditRecord();
        record.endpoint = "mutate";
        record.uid = d.uid();
        record.operation = d.request().operation();
        record.kind = "serving.kserve.io/v1beta1/InferenceService";
        record.namespace = d.request().namespace();
        record.name = d.request().name();
        record.user = d.request().username();
        record.groups = d.request().groups();
        record.decision = "patched";
        record.context = r.context();
        record.patch = r.ops();
        return record.line();
    }

    @Benchmark
    public byte[] validate() throws Exception {
        ReviewCodec.Decoded d = ReviewCodec.decode(validateBody);
        PolicyEngine.ValidationResult r = engine.validate(input(d));
        return ReviewCodec.encode(Responses.review(r.allowed()
                ? Responses.allow(d.uid(), r.warnings().stream().map(Finding::line).toList(), Map.of("decision", "allowed"))
                : Responses.invalid(d.uid(), "serving.kserve.io", "InferenceService", "x", r.denials(), java.util.List.of(), Map.of())));
    }

    /** Guard: the payloads must be judged as the benchmark assumes (a patch, then an allowed review). */
    public static void main(String[] args) throws Exception {
        EngineBenchmark b = new EngineBenchmark();
        b.setup();
        String m = new String(b.mutate());
        String v = new String(b.validate());
        String a = b.mutateWithAuditLine();
        if (!a.contains("\"decision\":\"patched\"") || !a.contains("knative-annotations")) {
            throw new IllegalStateException("unexpected audit line: " + a);
        }
        if (!m.contains("\"patch\"") || !v.contains("\"allowed\":true")) {
            throw new IllegalStateException("unexpected answers: " + m + " / " + v);
        }
        if (!m.equals(new String(b.mutateInPlace()))) {
            throw new IllegalStateException("in place and on a working copy answer differently");
        }
        String none = new String(b.mutateNothingToDo());
        if (none.contains("\"patch\"") || !none.equals(new String(b.mutateNothingToDoInPlace()))) {
            throw new IllegalStateException("the validate payload should need no edit: " + none);
        }
        System.out.println("payloads ok: mutate patches, validate allows; patch ops " + PatchOp.class.getSimpleName());
    }
}
