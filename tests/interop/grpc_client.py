#!/usr/bin/python3
"""Generic mTLS gRPC client built on Debian's python3-grpcio, for interop tests.

Compiles the given .proto at run time (python3 -m grpc_tools.protoc, into a temp
dir), calls one method with a JSON request and prints the JSON response (one line
per message for server-streaming methods), or `status=<CODE> message=<detail>` when
the call fails. Exits 0 in both cases; non-zero only when the client itself cannot
run (bad arguments, proto that does not compile, unreadable certificates).

  grpc_client.py --proto core/Protos/grpc/health/v1/health.proto --proto-root core/Protos \
      --service grpc.health.v1.Health --method Check --request '{"service": ""}' \
      --ca ca.crt --cert tls.crt --key tls.key --target 127.0.0.1:5001 --server-name localhost
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import json_format
from google.protobuf import symbol_database


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--proto", required=True, help="path of the .proto that defines the service")
    p.add_argument("--proto-root", help="import root of the proto (default: its directory)")
    p.add_argument("--service", required=True, help="full service name, e.g. grpc.health.v1.Health")
    p.add_argument("--method", required=True)
    p.add_argument("--request", default="{}", help="request message as proto3 JSON")
    p.add_argument("--ca", required=True, help="CA certificate PEM (ca.crt)")
    p.add_argument("--cert", required=True, help="client certificate PEM (tls.crt)")
    p.add_argument("--key", required=True, help="client private key PEM (tls.key)")
    p.add_argument("--target", required=True, help="host:port to dial")
    p.add_argument("--server-name", help="name to verify in the server certificate (and :authority)")
    p.add_argument("--timeout", type=float, default=10.0, help="call deadline in seconds")
    return p.parse_args()


def compile_proto(proto, root, out_dir):
    import grpc_tools
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    cmd = [sys.executable, "-m", "grpc_tools.protoc", f"-I{root}", f"-I{well_known}",
           f"--python_out={out_dir}", os.path.relpath(proto, root)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"protoc failed on {proto}: {result.stderr.strip()}")
    module = os.path.relpath(proto, root)[:-len(".proto")].replace(os.sep, ".") + "_pb2"
    sys.path.insert(0, out_dir)
    return importlib.import_module(module)


def find_method(module, service_name, method_name):
    service = module.DESCRIPTOR.services_by_name.get(service_name.rsplit(".", 1)[-1])
    if service is None or service.full_name != service_name:
        sys.exit(f"service {service_name} is not defined in {module.DESCRIPTOR.name}")
    method = service.methods_by_name.get(method_name)
    if method is None:
        sys.exit(f"method {method_name} is not defined in {service_name}")
    if method.client_streaming:
        sys.exit(f"{service_name}/{method_name} is client-streaming; this client does unary and server-streaming only")
    db = symbol_database.Default()
    return method, db.GetSymbol(method.input_type.full_name), db.GetSymbol(method.output_type.full_name)


def to_json(message):
    return json.dumps(json_format.MessageToDict(
        message, preserving_proto_field_name=True, including_default_value_fields=True), sort_keys=True, separators=(",", ":"))


def main():
    args = parse_args()
    root = args.proto_root or os.path.dirname(os.path.abspath(args.proto))
    with tempfile.TemporaryDirectory(prefix="grpc-interop-") as out_dir:
        module = compile_proto(os.path.abspath(args.proto), os.path.abspath(root), out_dir)
        method, request_type, response_type = find_method(module, args.service, args.method)
        request = json_format.Parse(args.request, request_type())

        def read(path):
            with open(path, "rb") as f:
                return f.read()

        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(args.ca), private_key=read(args.key), certificate_chain=read(args.cert))
        options = []
        if args.server_name:
            options += [("grpc.ssl_target_name_override", args.server_name),
                        ("grpc.default_authority", args.server_name)]
        path = f"/{args.service}/{args.method}"
        with grpc.secure_channel(args.target, credentials, options=options) as channel:
            try:
                if method.server_streaming:
                    call = channel.unary_stream(path, request_serializer=request_type.SerializeToString,
                                                response_deserializer=response_type.FromString)
                    for message in call(request, timeout=args.timeout):
                        print(to_json(message), flush=True)
                else:
                    call = channel.unary_unary(path, request_serializer=request_type.SerializeToString,
                                               response_deserializer=response_type.FromString)
                    print(to_json(call(request, timeout=args.timeout)))
            except grpc.RpcError as e:
                print(f"status={e.code().name} message={e.details()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
