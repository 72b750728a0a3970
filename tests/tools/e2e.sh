#!/usr/bin/env bash
# make e2e: the cluster scenario suite (tests/SecretFleet.Cluster.Tests/Scenarios) on a real, throwaway k3d
# cluster: build the node and operator images, create the cluster, import the images, install cert-manager and
# the operator's Helm chart, run the suite with SECRETFLEET_SCENARIO_BACKEND=k3d (kubectl secrets reaching nodes
# through port-forward), and delete the cluster whatever happened. Without Docker, k3d or Helm it says what is
# missing and exits 3; `make test` runs the same suite on the emulated backend.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

config=${CONFIG:-Release}
cluster=${E2E_CLUSTER:-secretfleet-e2e}
tag=${E2E_TAG:-e2e}
node_image=secretfleet/node:$tag
operator_image=secretfleet/operator:$tag
operator_namespace=secretfleet-system
cert_manager_version=v1.16.2
cert_manager_manifest=https://github.com/cert-manager/cert-manager/releases/download/$cert_manager_version/cert-manager.yaml

missing=()
if ! command -v docker >/dev/null; then
  missing+=("docker is not installed: it builds the node and operator images and runs k3d's nodes")
elif ! docker_error=$(docker info 2>&1 >/dev/null); then
  missing+=("docker cannot reach an engine: $(tail -n 1 <<<"$docker_error")")
fi
command -v k3d >/dev/null || missing+=("k3d is not installed (https://k3d.io): it creates the throwaway cluster")
command -v helm >/dev/null || missing+=("helm is not installed (https://helm.sh): it installs charts/secretfleet-operator")
command -v kubectl >/dev/null || missing+=("kubectl is not installed: the suite drives the cluster with it")
[[ -f node/Dockerfile ]] || missing+=("node/Dockerfile is missing: the node image is built from it")
[[ -f operator/Dockerfile ]] || missing+=("operator/Dockerfile is missing: the operator image is built from it")
[[ -f charts/secretfleet-operator/Chart.yaml ]] || missing+=("charts/secretfleet-operator is missing: the operator is installed from it")
if ((${#missing[@]})); then
  echo "make e2e cannot run on this machine:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  echo "The same scenario suite runs against the emulated cluster in 'make test'." >&2
  exit 3
fi

echo "e2e: building the solution and test peers"
make -s deps build CONFIG="$config"

kubeconfig=$(mktemp)
cleanup() {
  echo "e2e: deleting k3d cluster $cluster"
  k3d cluster delete "$cluster" >/dev/null 2>&1 || true
  rm -f "$kubeconfig"
}
trap cleanup EXIT
export KUBECONFIG=$kubeconfig

echo "e2e: building $node_image and $operator_image"
docker build -q -f node/Dockerfile -t "$node_image" .
docker build -q -f operator/Dockerfile -t "$operator_image" .

echo "e2e: creating k3d cluster $cluster"
k3d cluster create "$cluster" --wait --timeout 180s --kubeconfig-update-default=false --kubeconfig-switch-context=false
k3d kubeconfig get "$cluster" >"$kubeconfig"
k3d image import --cluster "$cluster" "$node_image" "$operator_image"

echo "e2e: installing cert-manager $cert_manager_version"
kubectl apply -f "$cert_manager_manifest" >/dev/null
kubectl -n cert-manager wait --for=condition=Available deployment --all --timeout 180s

echo "e2e: installing the operator chart"
helm install secretfleet-operator charts/secretfleet-operator \
  --namespace "$operator_namespace" --create-namespace \
  --set image.repository=secretfleet/operator --set image.tag="$tag" --set image.pullPolicy=Never \
  --set nodeImage.repository=secretfleet/node --set nodeImage.tag="$tag" \
  --set watchAllNamespaces=true \
  --wait --timeout 5m

echo "e2e: running the scenario suite against k3d"
SECRETFLEET_SCENARIO_BACKEND=k3d SECRETFLEET_SCENARIO_CONNECT=port-forward SECRETFLEET_OPERATOR_NAMESPACE=$operator_namespace \
  dotnet test tests/SecretFleet.Cluster.Tests -c "$config" --no-build \
  --filter "FullyQualifiedName~SecretFleet.Cluster.Tests.Scenarios"
