#!/usr/bin/python3
"""engine-cri.py SOCKET METHOD [JSON]: one call of the Kubernetes CRI RuntimeService (runtime.v1)
over a unix socket; the request is JSON (protobuf JSON mapping, field names as in the proto),
the response is printed as JSON. Exit 0 on success; on a gRPC error the status code and the
message go to stderr and the exit status is 1.

No generated code: the few messages tests/integration/engine-cri.sh needs are described below
with the field numbers of the CRI API (k8s.io/cri-api pkg/apis/runtime/v1/api.proto) and built
at run time; fields left out of a message are skipped by the decoder, so a subset is enough.
Enums are read as int32 (same wire format). Needs Debian's python3-grpcio and python3-protobuf.
"""
import json
import sys

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

S, I32, I64, U32, BOOL, BYTES = "string", "int32", "int64", "uint32", "bool", "bytes"

# message -> [(field, number, type, repeated)]; a type not in the scalars above is a message.
MESSAGES = {
    "Empty": [],
    "VersionRequest": [("version", 1, S, False)],
    "VersionResponse": [("version", 1, S, False), ("runtime_name", 2, S, False),
                        ("runtime_version", 3, S, False), ("runtime_api_version", 4, S, False)],
    "PodSandboxMetadata": [("name", 1, S, False), ("uid", 2, S, False), ("namespace", 3, S, False),
                           ("attempt", 4, U32, False)],
    "NamespaceOption": [("network", 1, I32, False), ("pid", 2, I32, False), ("ipc", 3, I32, False)],
    "LinuxSandboxSecurityContext": [("namespace_options", 1, "NamespaceOption", False)],
    "LinuxPodSandboxConfig": [("cgroup_parent", 1, S, False),
                              ("security_context", 2, "LinuxSandboxSecurityContext", False)],
    "PodSandboxConfig": [("metadata", 1, "PodSandboxMetadata", False), ("hostname", 2, S, False),
                         ("log_directory", 3, S, False), ("linux", 8, "LinuxPodSandboxConfig", False)],
    "RunPodSandboxRequest": [("config", 1, "PodSandboxConfig", False), ("runtime_handler", 2, S, False)],
    "RunPodSandboxResponse": [("pod_sandbox_id", 1, S, False)],
    "PodSandboxIdRequest": [("pod_sandbox_id", 1, S, False)],
    "PodSandboxStatus": [("id", 1, S, False), ("state", 3, I32, False)],
    "PodSandboxStatusResponse": [("status", 1, "PodSandboxStatus", False)],
    "ImageSpec": [("image", 1, S, False)],
    "KeyValue": [("key", 1, S, False), ("value", 2, S, False)],
    "ContainerMetadata": [("name", 1, S, False), ("attempt", 2, U32, False)],
    "LinuxContainerResources": [("cpu_period", 1, I64, False), ("cpu_quota", 2, I64, False),
                                ("cpu_shares", 3, I64, False), ("memory_limit_in_bytes", 4, I64, False),
                                ("oom_score_adj", 5, I64, False), ("cpuset_cpus", 6, S, False),
                                ("cpuset_mems", 7, S, False)],
    "LinuxContainerConfig": [("resources", 1, "LinuxContainerResources", False)],
    "ContainerConfig": [("metadata", 1, "ContainerMetadata", False), ("image", 2, "ImageSpec", False),
                        ("command", 3, S, True), ("args", 4, S, True), ("working_dir", 5, S, False),
                        ("envs", 6, "KeyValue", True), ("log_path", 11, S, False),
                        ("linux", 15, "LinuxContainerConfig", False)],
    "CreateContainerRequest": [("pod_sandbox_id", 1, S, False), ("config", 2, "ContainerConfig", False),
                               ("sandbox_config", 3, "PodSandboxConfig", False)],
    "ContainerIdRequest": [("container_id", 1, S, False)],
    "StopContainerRequest": [("container_id", 1, S, False), ("timeout", 2, I64, False)],
    "ContainerStatusRequest": [("container_id", 1, S, False), ("verbose", 2, BOOL, False)],
    "ContainerStatus": [("id", 1, S, False), ("state", 3, I32, False), ("exit_code", 7, I32, False),
                        ("reason", 10, S, False), ("message", 11, S, False)],
    "ContainerStatusResponse": [("status", 1, "ContainerStatus", False)],
    "UpdateContainerResourcesRequest": [("container_id", 1, S, False),
                                        ("linux", 2, "LinuxContainerResources", False)],
    "ExecSyncRequest": [("container_id", 1, S, False), ("cmd", 2, S, True), ("timeout", 3, I64, False)],
    "ExecSyncResponse": [("stdout", 1, BYTES, False), ("stderr", 2, BYTES, False),
                         ("exit_code", 3, I32, False)],
}

# method -> (request, response); the wire names of messages do not matter, only their fields.
METHODS = {
    "Version": ("VersionRequest", "VersionResponse"),
    "RunPodSandbox": ("RunPodSandboxRequest", "RunPodSandboxResponse"),
    "StopPodSandbox": ("PodSandboxIdRequest", "Empty"),
    "RemovePodSandbox": ("PodSandboxIdRequest", "Empty"),
    "PodSandboxStatus": ("PodSandboxIdRequest", "PodSandboxStatusResponse"),
    "CreateContainer": ("CreateContainerRequest", "ContainerIdRequest"),
    "StartContainer": ("ContainerIdRequest", "Empty"),
    "StopContainer": ("StopContainerRequest", "Empty"),
    "RemoveContainer": ("ContainerIdRequest", "Empty"),
    "ContainerStatus": ("ContainerStatusRequest", "ContainerStatusResponse"),
    "UpdateContainerResources": ("UpdateContainerResourcesRequest", "Empty"),
    "ExecSync": ("ExecSyncRequest", "ExecSyncResponse"),
}

SCALARS = {
    S: descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
    I32: descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
    I64: descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
    U32: descriptor_pb2.FieldDescriptorProto.TYPE_UINT32,
    BOOL: descriptor_pb2.FieldDescriptorProto.TYPE_BOOL,
    BYTES: descriptor_pb2.FieldDescriptorProto.TYPE_BYTES,
}


def build_classes():
    """The message classes, from a file descriptor made of MESSAGES."""
    f = descriptor_pb2.FileDescriptorProto(name="husk-cri-subset.proto", package="huskcri",
                                           syntax="proto3")
    for name, fields in MESSAGES.items():
        m = f.message_type.add(name=name)
        for fname, number, ftype, repeated in fields:
            fd = m.field.add(name=fname, number=number, json_name=fname)
            fd.label = (descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED if repeated
                        else descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
            if ftype in SCALARS:
                fd.type = SCALARS[ftype]
            else:
                fd.type = descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE
                fd.type_name = ".huskcri." + ftype
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    factory = message_factory.MessageFactory(pool)
    return {name: factory.GetPrototype(pool.FindMessageTypeByName("huskcri." + name))
            for name in MESSAGES}


def main():
    if len(sys.argv) not in (3, 4) or sys.argv[2] not in METHODS:
        sys.exit("usage: engine-cri.py SOCKET METHOD [JSON]; METHOD: " + " ".join(METHODS))
    sock, method = sys.argv[1], sys.argv[2]
    classes = build_classes()
    req_type, resp_type = METHODS[method]
    request = json_format.Parse(sys.argv[3] if len(sys.argv) == 4 else "{}", classes[req_type]())
    with grpc.insecure_channel("unix://" + sock) as channel:
        call = channel.unary_unary("/runtime.v1.RuntimeService/" + method,
                                   request_serializer=lambda m: m.SerializeToString(),
                                   response_deserializer=classes[resp_type].FromString)
        try:
            response = call(request, timeout=60)
        except grpc.RpcError as e:
            print(f"{method}: {e.code().name}: {e.details()}", file=sys.stderr)
            sys.exit(1)
    out = json_format.MessageToDict(response, preserving_proto_field_name=True,
                                    including_default_value_fields=True)
    for field in ("stdout", "stderr"):   # ExecSync output as text, not base64
        if field in out:
            out[field] = getattr(response, field).decode(errors="replace")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
