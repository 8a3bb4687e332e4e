package dev.isvcpolicy.install;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Just enough of an API server for {@code kubectl apply --dry-run=client}: legacy discovery (so kubectl
 * can map each kind to its resource) and 404 for every object (so each one would be created). It stores
 * nothing and accepts no writes.
 */
final class DiscoveryOnlyApiServer implements AutoCloseable {

    record Kind(String kind, String resource, boolean namespaced) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** group/version to its kinds; "" is the core group. */
    private static final Map<String, List<Kind>> GROUPS = Map.of(
            "v1", List.of(new Kind("Namespace", "namespaces", false), new Kind("ServiceAccount", "serviceaccounts", true),
                    new Kind("Service", "services", true), new Kind("Secret", "secrets", true),
                    new Kind("ConfigMap", "configmaps", true)),
            "apps/v1", List.of(new Kind("Deployment", "deployments", true)),
            "policy/v1", List.of(new Kind("PodDisruptionBudget", "poddisruptionbudgets", true)),
            "networking.k8s.io/v1", List.of(new Kind("NetworkPolicy", "networkpolicies", true)),
            "scheduling.k8s.io/v1", List.of(new Kind("PriorityClass", "priorityclasses", false)),
            "rbac.authorization.k8s.io/v1", List.of(new Kind("Role", "roles", true), new Kind("RoleBinding", "rolebindings", true),
                    new Kind("ClusterRole", "clusterroles", false), new Kind("ClusterRoleBinding", "clusterrolebindings", false)),
            "admissionregistration.k8s.io/v1", List.of(
                    new Kind("MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false),
                    new Kind("ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false)),
            "cert-manager.io/v1", List.of(new Kind("Issuer", "issuers", true), new Kind("Certificate", "certificates", true)));

    private final HttpServer server;

    DiscoveryOnlyApiServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!"GET".equals(ex.getRequestMethod())) {
            send(ex, 405, status(405, "MethodNotAllowed", "this test server accepts no writes"));
            return;
        }
        if (path.equals("/api")) {
            ObjectNode v = JSON.createObjectNode().put("kind", "APIVersions");
            v.putArray("versions").add("v1");
            v.putArray("serverAddressByClientCIDRs");
            send(ex, 200, v);
        } else if (path.equals("/apis")) {
            ObjectNode list = JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
            ArrayNode groups = list.putArray("groups");
            GROUPS.keySet().stream().filter(gv -> gv.contains("/")).sorted().forEach(gv -> {
                String[] p = gv.split("/");
                ObjectNode g = groups.addObject().put("name", p[0]);
                ObjectNode ver = JSON.createObjectNode().put("groupVersion", gv).put("version", p[1]);
                g.putArray("versions").add(ver);
                g.set("preferredVersion", ver);
            });
            send(ex, 200, list);
        } else if (GROUPS.containsKey(groupVersion(path))) {
            String gv = groupVersion(path);
            ObjectNode list = JSON.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", gv);
            ArrayNode resources = list.putArray("resources");
            for (Kind k : GROUPS.get(gv)) {
                ObjectNode r = resources.addObject().put("name", k.resource()).put("singularName", "")
                        .put("namespaced", k.namespaced()).put("kind", k.kind());
                r.putArray("verbs").add("create").add("delete").add("get").add("list").add("patch").add("update").add("watch");
            }
            send(ex, 200, list);
        } else {
            send(ex, 404, status(404, "NotFound", path + " not found"));
        }
    }

    /** "/api/v1" to "v1", "/apis/apps/v1" to "apps/v1"; anything longer is an object path. */
    private static String groupVersion(String path) {
        String[] p = path.split("/");
        if (p.length == 3 && p[1].equals("api")) {
            return p[2];
        }
        return p.length == 4 && p[1].equals("apis") ? p[2] + "/" + p[3] : "";
    }

    private static ObjectNode status(int code, String reason, String message) {
        return JSON.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("reason", reason).put("message", message).put("code", code);
    }

    private static void send(HttpExchange ex, int code, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
