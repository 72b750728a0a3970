#!/usr/bin/python3
"""Lists a server's services through gRPC server reflection, as grpcurl would, with Debian's
python3-grpcio (not our code): `list_services`, then for each service the file that defines
it (`file_containing_symbol`), decoded with protobuf's own descriptor types.

Prints one JSON object: {"services": {"<service>": ["<method>", ...], ...}}, or
`status=<CODE> message=<detail>` when the call fails (exit 0 in both cases).

  grpc_reflection.py --ca ca.crt --cert tls.crt --key tls.key --target 127.0.0.1:5001 --server-name localhost
"""
import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pb2


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ca", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--server-name")
    p.add_argument("--timeout", type=float, default=20.0)
    return p.parse_args()


def compile_reflection(out_dir):
    here = os.path.dirname(os.path.abspath(__file__))
    cmd = [sys.executable, "-m", "grpc_tools.protoc", f"-I{here}", f"--python_out={out_dir}", "reflection_v1alpha.proto"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"protoc failed: {result.stderr.strip()}")
    sys.path.insert(0, out_dir)
    return importlib.import_module("reflection_v1alpha_pb2")


def main():
    args = parse_args()

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    with tempfile.TemporaryDirectory(prefix="grpc-reflection-") as out_dir:
        pb = compile_reflection(out_dir)
        credentials = grpc.ssl_channel_credentials(root_certificates=read(args.ca), private_key=read(args.key), certificate_chain=read(args.cert))
        options = []
        if args.server_name:
            options += [("grpc.ssl_target_name_override", args.server_name), ("grpc.default_authority", args.server_name)]
        with grpc.secure_channel(args.target, credentials, options=options) as channel:
            info = channel.stream_stream("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                         request_serializer=pb.ServerReflectionRequest.SerializeToString,
                                         response_deserializer=pb.ServerReflectionResponse.FromString)
            try:
                listed = next(info(iter([pb.ServerReflectionRequest(list_services="")]), timeout=args.timeout))
                names = sorted(s.name for s in listed.list_services_response.service)
                requests = [pb.ServerReflectionRequest(file_containing_symbol=name) for name in names]
                services = {name: [] for name in names}
                for answer in info(iter(requests), timeout=args.timeout):
                    for raw in answer.file_descriptor_response.file_descriptor_proto:
                        file = descriptor_pb2.FileDescriptorProto.FromString(raw)
                        for service in file.service:
                            full = f"{file.package}.{service.name}" if file.package else service.name
                            if full in services:
                                services[full] = sorted(m.name for m in service.method)
                print(json.dumps({"services": services}, sort_keys=True))
            except grpc.RpcError as e:
                print(f"status={e.code().name} message={e.details()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
