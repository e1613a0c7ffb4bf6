#!/usr/bin/env python3
"""Writes Sources/FathomMock/Sonar/SonarSDL.swift: the SDL of the Sonar slice the mock serves.

The slice is chosen here by name (types, the relations each object exposes, the
enum values kept) and every declaration is taken from the real Sonar schema with
its exact type, so the slice is a subset by construction; SonarSubsetTests checks
it independently with the Swift GraphQL parser.

Usage: python3 scripts/sonar-slice.py ../shared/sonar/schema.graphql
(needs graphql-core; the real schema is read, never copied into the repository).
"""
import sys
from graphql import build_ast_schema, parse, print_ast
from graphql import (GraphQLObjectType, GraphQLInputObjectType, GraphQLEnumType,
                     GraphQLInterfaceType, GraphQLScalarType, get_named_type)
from graphql.utilities import ast_from_value

src = open(sys.argv[1]).read()
schema = build_ast_schema(parse(src + "\nschema { query: Query mutation: Mutation }\n", no_location=True),
                          assume_valid=True)

SCALARS = ["Int64Bit", "Datetime", "Date", "HtmlHexColor", "Text", "EmailAddress", "SubnetScalar"]
BUILTIN = {"ID", "String", "Int", "Float", "Boolean"}
ENUMS = {
    "SortDirection": None, "RangeOperator": None, "BooleanOperator": None,
    "TicketStatus": None, "TicketPriority": None, "TicketableType": None,
    "ContactableType": None, "AddressableType": None, "IpassignmentableType": None,
    "AccountTypeEnum": None, "AddressType": None, "ServiceType": None, "ServiceApplication": None,
    "InventoryItemStatus": None, "InventoryItemDeviceStatus": None, "JobbableType": None,
    "InventoryitemableType": None, "Language": None, "IspType": None,
    "Icon": ["CIRCLE", "SQUARE", "TRIANGLE", "CHECKMARK759628", "ALERT759619", "FLAG759300", "STAR759813"],
    "Country": ["US", "CA"],
    "Subdivision": ["US_CA", "US_CO", "US_FL", "US_GA", "US_IL", "US_MA", "US_NE", "US_NY",
                    "US_OH", "US_OR", "US_TX", "US_WA"],
}
INPUTS = ["Paginator", "Sorter", "Search", "SearchStringField", "SearchIntegerField", "SearchFloatField",
          "SearchDateField", "SearchDatetimeField", "SearchBooleanField", "ReverseRelationFilter",
          "CreateAccountMutationInput", "CreatePrimaryContactMutationInput", "UpdateAccountMutationInput",
          "CreateAccountStatusMutationInput", "CreateInternalTicketMutationInput", "UpdateTicketMutationInput"]
INTERFACES = ["TicketableInterface", "IpassignmentableInterface", "JobbableInterface"]
# object -> relations exposed (besides its plain scalar and enum fields)
OBJECTS = {
    "Me": [],
    "Account": ["account_status", "account_type", "company", "parent_account", "archived_by_user",
                "addresses", "contacts", "ip_assignments", "tickets", "jobs", "invoices",
                "account_services", "child_accounts"],
    "AccountStatus": ["accounts"],
    "AccountType": ["accounts"],
    "Company": ["accounts", "invoices", "services", "addresses"],
    "Contact": [],
    "Address": [],
    "User": ["tickets", "jobs", "inventory_items", "archived_accounts"],
    "Ticket": ["ticketable", "ticket_group", "user", "parent_ticket", "closed_by_user", "child_tickets", "jobs"],
    "TicketGroup": ["tickets"],
    "Job": ["jobbable", "ticket", "completed_by_user"],
    "Invoice": ["account", "company"],
    "Service": ["company", "account_services"],
    "AccountService": ["account", "service", "inventory_items"],
    "InventoryItem": ["account_service", "claimed_user", "ip_assignments"],
    "IpAssignment": ["ipassignmentable"],
}
ENTITIES = [n for n in OBJECTS if n != "Me"]
QUERY = ["me", "accounts", "account_statuses", "account_types", "companies", "contacts", "addresses", "users",
         "tickets", "ticket_groups", "jobs", "invoices", "services", "account_services", "inventory_items",
         "ip_assignments"]
MUTATION = ["createAccount", "updateAccount", "archiveAccount", "unarchiveAccount", "createAccountStatus",
            "deleteAccountStatus", "createInternalTicket", "updateTicket", "deleteTicket"]
SKIP_ARGS = {"aggregation", "general_search_mode"}

declared = set(SCALARS) | BUILTIN | set(ENUMS) | set(INPUTS) | set(INTERFACES) | set(OBJECTS) \
    | {"PageInfo", "SuccessResponse"} | {e + "Connection" for e in ENTITIES}
LEAF = set(SCALARS) | BUILTIN | set(ENUMS)

def ok(t):
    return get_named_type(t).name in declared

def default(v, t):
    if v is None or str(v) == "Undefined":
        return ""
    return " = " + print_ast(ast_from_value(v, t))

def args(f):
    a = [f"{n}: {x.type}{default(x.default_value, x.type)}" for n, x in f.args.items()
         if n not in SKIP_ARGS and ok(x.type)]
    return "(\n" + "".join(f"    {x}\n" for x in a) + "  )" if a else ""

out = ["schema {\n  query: Query\n  mutation: Mutation\n}\n"]
for s in SCALARS:
    assert isinstance(schema.type_map[s], GraphQLScalarType)
    out.append(f"scalar {s}\n")
for e, keep in ENUMS.items():
    t = schema.type_map[e]
    vals = keep if keep else list(t.values)
    assert all(v in t.values for v in vals), e
    out.append(f"enum {e} {{\n" + "".join(f"  {v}\n" for v in vals) + "}\n")
for i in INPUTS:
    t = schema.type_map[i]
    assert isinstance(t, GraphQLInputObjectType)
    fs = [f"  {n}: {x.type}{default(x.default_value, x.type)}\n" for n, x in t.fields.items() if ok(x.type)]
    out.append(f"input {i} {{\n" + "".join(fs) + "}\n")

def obj(kind, name, t, extra, head=""):
    fs = []
    for n, f in t.fields.items():
        plain = not f.args and get_named_type(f.type).name in LEAF
        if plain or n in extra:
            assert ok(f.type), (name, n, str(f.type))
            fs.append(f"  {n}{args(f)}: {f.type}\n")
    for n in extra:
        assert n in t.fields, (name, n)
    return f"{kind} {name}{head} {{\n" + "".join(fs) + "}\n"

for i in INTERFACES:
    out.append(obj("interface", i, schema.type_map[i], []))
for o in ["PageInfo", "SuccessResponse"]:
    out.append(obj("type", o, schema.type_map[o], []))
for o, rel in OBJECTS.items():
    t = schema.type_map[o]
    impl = [x.name for x in t.interfaces if x.name in INTERFACES]
    out.append(obj("type", o, t, rel, (" implements " + " & ".join(impl)) if impl else ""))
for e in ENTITIES:
    out.append(obj("type", e + "Connection", schema.type_map[e + "Connection"], ["entities", "page_info"]))
out.append(obj("type", "Query", schema.query_type, QUERY))
out.append(obj("type", "Mutation", schema.mutation_type, MUTATION))

sdl = "\n".join(out)
assert "\\" not in sdl and '"""' not in sdl
swift = ("// Generated by scripts/sonar-slice.py from the real Sonar schema; edit the script, not this file.\n\n"
         "/// The SDL of the slice of Sonar's GraphQL API that the mock serves: a subset of a real\n"
         "/// Sonar instance schema (same names, same types; fewer types, fields, arguments and enum values).\n"
         "enum SonarSDL {\n    static let text = \"\"\"\n" + sdl + "\"\"\"\n}\n")
open(sys.argv[2] if len(sys.argv) > 2 else "Sources/FathomMock/Sonar/SonarSDL.swift", "w").write(swift)
print(f"{len(sdl)} characters, {sdl.count(chr(10))} lines")
