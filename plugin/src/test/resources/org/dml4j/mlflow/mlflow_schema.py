"""MLflow's own REST schema, read from the generated code of the MLflow installed in this Python (the server's venv).

  python mlflow_schema.py descriptors OUT
      writes a FileDescriptorSet (binary) with service.proto and model_registry.proto to OUT.
  python mlflow_schema.py requests IN OUT
      IN: a JSON list of recorded requests {"method", "path" (after /api/2.0), "query": [[name, value], ...],
      "body"}; each is parsed STRICTLY (an unknown field or a wrong type is an error) into the request message that
      MLflow's service definition declares for its method and path. OUT: {"calls": {"POST /mlflow/runs/create": n,
      ...}, "problems": ["...", ...]}.

Only the mlflow.protos package is imported (not mlflow itself), so this takes well under a second.
"""
import importlib.util
import json
import re
import sys
import types

spec = importlib.util.find_spec("mlflow")
package = types.ModuleType("mlflow")
package.__path__ = list(spec.submodule_search_locations)
sys.modules["mlflow"] = package

from google.protobuf import descriptor_pb2, json_format  # noqa: E402
from google.protobuf.message_factory import GetMessageClass  # noqa: E402
import mlflow.protos.databricks_pb2 as databricks  # noqa: E402
import mlflow.protos.model_registry_pb2 as registry  # noqa: E402
import mlflow.protos.service_pb2 as service  # noqa: E402

FILES = (service.DESCRIPTOR, registry.DESCRIPTOR)


def descriptors(out):
    descriptor_set = descriptor_pb2.FileDescriptorSet()
    for file in FILES:
        file.CopyToProto(descriptor_set.file.add())
    with open(out, "wb") as f:
        f.write(descriptor_set.SerializeToString())


def endpoints():
    for file in FILES:
        for svc in file.services_by_name.values():
            for method in svc.methods:
                for endpoint in method.GetOptions().Extensions[databricks.rpc].endpoints:
                    pattern = re.sub(r"\{[^}]+\}", "[^/]+", endpoint.path.lstrip("/"))
                    yield endpoint.method, re.compile(pattern + "$"), endpoint.method + " /" + endpoint.path.lstrip(
                        "/"), GetMessageClass(method.input_type)


def requests(inp, out):
    table = list(endpoints())
    calls, problems = {}, []
    for request in json.load(open(inp)):
        path = request["path"].lstrip("/")
        match = [e for e in table if e[0] == request["method"] and e[1].match(path)]
        if not match:
            problems.append(f"{request['method']} {path}: no such endpoint in MLflow's service definition")
            continue
        _, _, name, message_class = match[0]
        calls[name] = calls.get(name, 0) + 1
        try:
            if request["method"] == "GET":
                fields = message_class.DESCRIPTOR.fields_by_name
                values = {}
                for key, value in request["query"]:
                    if key not in fields:
                        raise ValueError(f"query parameter '{key}' is no field of {message_class.DESCRIPTOR.full_name}")
                    if fields[key].is_repeated:
                        values.setdefault(key, []).append(value)
                    else:
                        values[key] = value
                json_format.ParseDict(values, message_class())
            else:
                json_format.Parse(request["body"] or "{}", message_class())
        except Exception as e:  # a strict parse: unknown fields and wrong types fail
            problems.append(f"{name} ({message_class.DESCRIPTOR.full_name}): {e}; body {request['body'][:300]}")
    json.dump({"calls": calls, "problems": problems}, open(out, "w"), indent=1)


if __name__ == "__main__":
    {"descriptors": lambda: descriptors(sys.argv[2]), "requests": lambda: requests(sys.argv[2], sys.argv[3])}[
        sys.argv[1]]()
