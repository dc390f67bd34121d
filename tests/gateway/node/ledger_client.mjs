// A Node.js client generated at run time from the protos shipped in the dualprev-gateway wheel, proving that
// another language can use the API from the wheel alone. Run by tests/gateway/test_gateway_node_client.py
// with DUALPREV_TARGET, DUALPREV_KEY, DUALPREV_PROTO_ROOT, GOOGLEAPIS_PROTO_ROOT and DUALPREV_UNIT set.
// Prints one JSON object with what it observed; exits 1 on an unexpected failure.
import grpc from "@grpc/grpc-js";
import protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";
import fs from "node:fs";
import path from "node:path";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [env("DUALPREV_PROTO_ROOT"), env("GOOGLEAPIS_PROTO_ROOT")],
};
const definition = protoLoader.loadSync(["dualprev/v1/ledger.proto", "dualprev/v1/hazards.proto"], options);
const loaded = grpc.loadPackageDefinition(definition);
const ledger = new loaded.dualprev.v1.LedgerService(env("DUALPREV_TARGET"), grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.set("authorization", `Bearer ${env("DUALPREV_KEY")}`);
metadata.set("x-request-id", "node-client-1");

const call = (method, request) =>
  new Promise((resolve, reject) => {
    ledger[method](request, metadata, { deadline: Date.now() + 10_000 }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });

// google.rpc.Status from the trailers, decoded with the googleapis protos (protobufjs, which proto-loader uses).
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => {
  for (const dir of options.includeDirs) {
    const candidate = path.join(dir, target);
    if (fs.existsSync(candidate)) return candidate;
  }
  return target;
};
root.loadSync(["google/rpc/status.proto", "google/rpc/error_details.proto"], { keepCase: true });
const RpcStatus = root.lookupType("google.rpc.Status");
const BadRequest = root.lookupType("google.rpc.BadRequest");

const observed = {};
const unitName = `units/${env("DUALPREV_UNIT")}`;
const unit = await call("GetUnit", { name: unitName });
observed.unit = { name: unit.name, display_name: unit.display_name, etag: unit.etag };

const created = await call("CreateEquipment", {
  parent: unitName,
  equipment_id: "node-lift",
  equipment: { catalog_code: "3110", display_name: "Node 客梯", parameters: { fields: {} } },
});
observed.created = created.name;

const listed = await call("ListEquipment", { parent: unitName, filter: 'catalog_code = "3*"' });
observed.listed = listed.equipment.map((e) => e.name);

try {
  await call("CreateEquipment", {
    parent: unitName,
    equipment: { catalog_code: "3110", manufactured_on: "2012-13-40" },
  });
  observed.invalid = "accepted";
} catch (error) {
  const details = error.metadata.get("grpc-status-details-bin")[0];
  const status = RpcStatus.decode(details);
  const violations = [];
  for (const any of status.details) {
    if (any.type_url.endsWith("google.rpc.BadRequest")) {
      for (const v of BadRequest.decode(any.value).field_violations) violations.push(v.field);
    }
  }
  observed.invalid = {
    code: error.code,
    violations,
    request_id: error.metadata.get("x-request-id")[0],
  };
}

ledger.close();
process.stdout.write(JSON.stringify(observed) + "\n");
