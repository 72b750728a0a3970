#!/usr/bin/env bash
# make install PREFIX=DIR: publishes kubectl-secrets and secretfleet-node (framework-dependent)
# into DIR/lib/secretfleet and puts small wrappers into DIR/bin. With DIR/bin on PATH,
# `kubectl secrets ...` works through kubectl's plugin mechanism, and `local up` finds the node
# binary next to kubectl-secrets.
set -euo pipefail
prefix=${1:?usage: cli/install.sh PREFIX}
root=$(cd "$(dirname "$0")/.." && pwd)
config=${CONFIG:-Release}
mkdir -p "$prefix/bin" "$prefix/lib/secretfleet"
prefix=$(cd "$prefix" && pwd)
lib="$prefix/lib/secretfleet"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Both apps in one folder: they share core's assemblies and each has its own deps.json.
dotnet publish "$root/cli/SecretFleet.Cli.csproj" -c "$config" -o "$lib" -v quiet -nologo
dotnet publish "$root/node/SecretFleet.Node.csproj" -c "$config" -o "$lib" -v quiet -nologo

# The apphosts look for the .NET runtime in DOTNET_ROOT or the default places; remember where
# the SDK that built them lives, for installs whose dotnet is elsewhere (e.g. ~/.dotnet).
dotnet_root=${DOTNET_ROOT:-$(dirname "$(readlink -f "$(command -v dotnet)")")}
for program in kubectl-secrets secretfleet-node; do
  cat >"$prefix/bin/$program" <<WRAPPER
#!/bin/sh
# Installed by \`make install\` from SecretFleet: runs $lib/$program.
if [ -z "\$DOTNET_ROOT" ] && [ -d "$dotnet_root" ]; then DOTNET_ROOT="$dotnet_root"; export DOTNET_ROOT; fi
exec "$lib/$program" "\$@"
WRAPPER
  chmod 755 "$prefix/bin/$program"
done
echo "Installed kubectl-secrets and secretfleet-node in $prefix/bin (files in $lib)."
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "Add it to PATH to use \`kubectl secrets\`: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
