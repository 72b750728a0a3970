namespace SecretFleet.KubeEmulator.Tests;

/// <summary>Manifests the emulator tests apply.</summary>
internal static class Manifests
{
    public static string StatefulSet(string name, string containerPort) => $$"""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: {{name}}
        spec:
          serviceName: {{name}}
          replicas: 3
          selector:
            matchLabels: {app: {{name}}}
          template:
            metadata:
              labels: {app: {{name}}}
            spec:
              containers:
              - name: node
                image: secretfleet/node
                ports:
                - containerPort: {{containerPort}}
        """;

    /// <summary>A CRD shaped like SecretCluster: a CEL rule across fields, enum, bounds, defaults, status, printer columns.</summary>
    public const string WidgetCrd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            additionalPrinterColumns:
            - {name: Replicas, type: integer, jsonPath: .spec.replicas}
            - {name: Threshold, type: integer, jsonPath: .spec.threshold}
            - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
            - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [replicas, threshold]
                    x-kubernetes-validations:
                    - rule: self.threshold <= self.replicas
                      message: threshold must not exceed replicas
                    properties:
                      replicas: {type: integer, minimum: 1, maximum: 15}
                      threshold: {type: integer, minimum: 1}
                      mode: {type: string, enum: [fast, safe], default: safe}
                      image: {type: string, default: "secretfleet/node:latest", pattern: '^[a-z0-9./:-]+$'}
                  status:
                    type: object
                    properties:
                      phase: {type: string}
                      conditions:
                        type: array
                        items:
                          type: object
                          properties:
                            type: {type: string}
                            status: {type: string}
        """;

    public static string Widget(string name, int replicas, int threshold, string extra = "") => $$"""
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: {{name}}
        spec:
          replicas: {{replicas}}
          threshold: {{threshold}}
        {{extra}}
        """;
}
