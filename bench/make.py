#!/usr/bin/env python3
"""Writes the benchmark's inputs for N GraphQL POSTs to BASE/api/graphql:
bodies.txt (one JSON body per line, for the C loops), curl.cfg (for curl -K),
native/ (a Fathom collection, one file per request, 3 assertions each),
postman.json (the same requests as one Postman collection), and, for the first
min(N, 1000) requests, tavern/test_bench.tavern.yaml and gabbi/bench.yaml.

    make.py WORK N BASE TOKEN
"""
import json, os, sys

work, n, base, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
QUERY = "query Account($id: Int64Bit) { accounts(id: $id) { entities { id name account_status { name } } page_info { total_count } } }"
NAME = "Olivia White"
os.makedirs(work, exist_ok=True)


def body(i):
    return json.dumps({"query": QUERY, "variables": {"id": i}}, separators=(",", ":"))


with open(os.path.join(work, "bodies.txt"), "w") as f:
    for i in range(1, n + 1):
        f.write(body(i) + "\n")

with open(os.path.join(work, "curl.cfg"), "w") as f:
    for i in range(1, n + 1):
        if i > 1:
            f.write("next\n")
        f.write(f'url = "{base}/api/graphql"\n')
        f.write('header = "Content-Type: application/json"\n')
        f.write(f'header = "Authorization: Bearer {token}"\n')
        f.write("data-binary = " + json.dumps(body(i)) + "\n")
        f.write("output = /dev/null\n")

native = os.path.join(work, "native")
os.makedirs(native, exist_ok=True)
with open(os.path.join(native, "collection.json"), "w") as f:
    json.dump({"fathom": 1, "name": "bench", "variables": {"instance": base}, "secrets": ["token"],
               "auth": {"bearer": "{{token}}"}, "graphql_endpoint": "{{instance}}/api/graphql",
               # The parts are independent: with --parallel N they run N at a time.
               "parallel": True}, f)
assertions = [{"status": 200}, {"path": "$.data.accounts.entities[0].name", "equals": NAME},
              {"header": "Content-Type", "contains": "json"}]
width = len(str(n))
# Directories of 500 files, as a large suite is laid out.
for i in range(1, n + 1):
    d = os.path.join(native, f"{(i - 1) // 500 + 1:03d}-part")
    if (i - 1) % 500 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"{i:0{width}d}-account.json"), "w") as f:
        json.dump({"graphql": {"query": QUERY, "variables": {"id": i}}, "assert": assertions}, f)

items = []
for i in range(1, n + 1):
    items.append({
        "name": f"account {i}",
        "request": {"method": "POST", "url": "{{instance}}/api/graphql",
                    "header": [{"key": "Content-Type", "value": "application/json"}],
                    "body": {"mode": "graphql", "graphql": {"query": QUERY, "variables": json.dumps({"id": i})}}},
    })
with open(os.path.join(work, "postman.json"), "w") as f:
    json.dump({"info": {"name": "bench", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
               "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{token}}", "type": "string"}]},
               "variable": [{"key": "instance", "value": base}], "item": items}, f)

m = min(n, 1000)
os.makedirs(os.path.join(work, "tavern"), exist_ok=True)
with open(os.path.join(work, "tavern", "test_bench.tavern.yaml"), "w") as f:
    f.write("test_name: bench\nstages:\n")
    for i in range(1, m + 1):
        f.write(f"  - name: account {i}\n    request:\n      url: {base}/api/graphql\n      method: POST\n")
        f.write(f"      headers:\n        Authorization: Bearer {token}\n")
        # Tavern formats strings with {name}: braces are doubled.
        f.write("      json: " + json.dumps({"query": QUERY.replace("{", "{{").replace("}", "}}"), "variables": {"id": i}}) + "\n")
        f.write("    response:\n      status_code: 200\n      headers:\n        content-type: application/json\n")
        f.write("      json:\n        data:\n          accounts:\n            entities:\n")
        f.write(f"              - id: \"1\"\n                name: {NAME}\n                account_status:\n                  name: Active\n")
        f.write("            page_info:\n              total_count: 1\n")
os.makedirs(os.path.join(work, "gabbi"), exist_ok=True)
with open(os.path.join(work, "gabbi", "bench.yaml"), "w") as f:
    f.write("tests:\n")
    for i in range(1, m + 1):
        f.write(f"- name: account {i}\n  POST: /api/graphql\n  request_headers:\n    content-type: application/json\n")
        f.write(f"    authorization: Bearer {token}\n")
        f.write("  data: " + json.dumps({"query": QUERY, "variables": {"id": i}}) + "\n")
        f.write("  status: 200\n  response_headers:\n    content-type: /json/\n")
        f.write(f"  response_json_paths:\n    $.data.accounts.entities[0].name: {NAME}\n")
