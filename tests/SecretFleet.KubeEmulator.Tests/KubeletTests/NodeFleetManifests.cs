using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SecretFleet.KubeEmulator.Tests.KubeletTests;

/// <summary>
/// A node fleet written out by hand so the kubelet (and its StatefulSet controller) is tested on its own:
/// cert-manager issuers, one Certificate per node naming that node (<c>spiffe://TD/node/NAME-i</c>, its pod's DNS
/// names), a keys Secret, the headless Service and a StatefulSet of node pods. Unlike the operator, which gives each
/// pod only its own Secrets, a StatefulSet mounts the same volumes everywhere: here every pod mounts every node's
/// TLS Secret and picks its own directory by <c>$(POD_NAME)</c>. Good enough for testing the kubelet, not a layout to ship.
/// </summary>
internal static class NodeFleetManifests
{
    public const string TrustDomain = "secretfleet.test";

    public static string Yaml(string name, string ns, int replicas, int threshold, string image = "ghcr.io/secretfleet/node:test", string livenessPath = "/healthz", int livenessPeriodSeconds = 10, int keys = 8)
    {
        var keyLines = string.Join("\n", Enumerable.Range(0, keys).Select(i =>
            $"  node-{i}.key: {Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}"));
        var ordinals = Enumerable.Range(0, keys).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        var nodeCertificates = string.Join("\n", ordinals.Select(i => $$"""
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: NAME-node-{{i}}, namespace: NS}
            spec:
              secretName: NAME-node-{{i}}-tls
              dnsNames: ["NAME-{{i}}.NAME-nodes.NS.svc", "NAME-{{i}}.NAME-nodes.NS.svc.cluster.local"]
              uris: ["spiffe://TD/node/NAME-{{i}}"]
              usages: [digital signature, server auth, client auth]
              privateKey: {algorithm: ECDSA, size: 256}
              issuerRef: {name: NAME-ca, kind: Issuer}
            ---
            """));
        var tlsMounts = string.Join("\n", ordinals.Select(i => $"        - {{name: tls-{i}, mountPath: /etc/secretfleet/tls/NAME-{i}, readOnly: true}}"));
        var tlsVolumes = string.Join("\n", ordinals.Select(i => $"      - name: tls-{i}\n        secret: {{secretName: NAME-node-{i}-tls}}"));
        var r = replicas.ToString(CultureInfo.InvariantCulture);
        var t = threshold.ToString(CultureInfo.InvariantCulture);
        var text = """
            apiVersion: cert-manager.io/v1
            kind: Issuer
            metadata: {name: NAME-selfsigned, namespace: NS}
            spec: {selfSigned: {}}
            ---
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: NAME-ca, namespace: NS}
            spec:
              isCA: true
              commonName: NAME-ca
              secretName: NAME-ca
              privateKey: {algorithm: ECDSA, size: 256}
              issuerRef: {name: NAME-selfsigned, kind: Issuer}
            ---
            apiVersion: cert-manager.io/v1
            kind: Issuer
            metadata: {name: NAME-ca, namespace: NS}
            spec: {ca: {secretName: NAME-ca}}
            ---
            NODECERTS
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: NAME-operator, namespace: NS}
            spec:
              secretName: NAME-operator-tls
              uris: ["spiffe://TD/operator/secretfleet-operator"]
              usages: [client auth]
              privateKey: {algorithm: ECDSA, size: 256}
              issuerRef: {name: NAME-ca, kind: Issuer}
            ---
            apiVersion: cert-manager.io/v1
            kind: Certificate
            metadata: {name: NAME-client, namespace: NS}
            spec:
              secretName: NAME-client-tls
              uris: ["spiffe://TD/client/default"]
              usages: [client auth]
              privateKey: {algorithm: ECDSA, size: 256}
              issuerRef: {name: NAME-ca, kind: Issuer}
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: NAME-node-keys, namespace: NS}
            data:
            KEYS
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: NAME-nodes, namespace: NS}
            spec:
              clusterIP: None
              publishNotReadyAddresses: true
              selector: {secretfleet.io/cluster: NAME}
              ports:
              - {name: grpc, port: 7443}
              - {name: http, port: 8080}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: NAME, namespace: NS}
            spec:
              replicas: REPLICAS
              serviceName: NAME-nodes
              podManagementPolicy: Parallel
              updateStrategy: {type: OnDelete}
              persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Retain}
              selector:
                matchLabels: {secretfleet.io/cluster: NAME}
              template:
                metadata:
                  labels: {secretfleet.io/cluster: NAME, app.kubernetes.io/name: secretfleet}
                spec:
                  terminationGracePeriodSeconds: 10
                  containers:
                  - name: node
                    image: IMAGE
                    command: [secretfleet-node]
                    args: [--cluster, NAME, --ordinal-from-hostname, --threshold, "THRESHOLD",
                           --data-dir, /var/lib/secretfleet, --tls-dir, "/etc/secretfleet/tls/$(POD_NAME)", --key-dir, /etc/secretfleet/keys,
                           --listen, "0.0.0.0:7443", --http-listen, "0.0.0.0:8080"]
                    env:
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    - name: POD_IP
                      valueFrom: {fieldRef: {fieldPath: status.podIP}}
                    ports:
                    - {name: grpc, containerPort: 7443}
                    - {name: http, containerPort: 8080}
                    readinessProbe:
                      httpGet: {path: /readyz, port: http}
                      periodSeconds: 2
                    livenessProbe:
                      httpGet: {path: LIVENESS, port: http}
                      periodSeconds: PERIOD
                    volumeMounts:
                    - {name: data, mountPath: /var/lib/secretfleet}
            TLSMOUNTS
                    - {name: keys, mountPath: /etc/secretfleet/keys, readOnly: true}
                  volumes:
            TLSVOLUMES
                  - name: keys
                    secret: {secretName: NAME-node-keys, defaultMode: 256}
              volumeClaimTemplates:
              - metadata: {name: data}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
            """;
        // Keys last: base64 may contain any of the other placeholders.
        return new StringBuilder(text)
            .Replace("NODECERTS", nodeCertificates).Replace("TLSMOUNTS", tlsMounts).Replace("TLSVOLUMES", tlsVolumes)
            .Replace("NAME", name).Replace("NS", ns).Replace("TD", TrustDomain)
            .Replace("REPLICAS", r).Replace("THRESHOLD", t).Replace("IMAGE", image).Replace("LIVENESS", livenessPath)
            .Replace("PERIOD", livenessPeriodSeconds.ToString(CultureInfo.InvariantCulture)).Replace("KEYS", keyLines).ToString();
    }
}
