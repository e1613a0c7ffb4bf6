import FathomCore

/// An instance's schema read through GraphQL introspection: the standard query, and
/// its answer turned into SDL.
///
/// GraphQLSwift can build a schema from SDL but not from an introspection result
/// (graphql-js's `buildClientSchema`), so the result is printed as SDL here and that
/// text goes through `SchemaCheck` like any schema file: one way in, and what
/// `fathom schema pull` saves is exactly what `fathom check --introspect` checks against.
public enum Introspection {
    /// The standard introspection query, as graphql-js's `getIntrospectionQuery()` writes
    /// it with its default options (no `specifiedByURL`, `isRepeatable` or schema
    /// description, which older servers do not know). Seven levels of `ofType` cover
    /// types such as `[[Int!]!]!`.
    public static let query = """
        query IntrospectionQuery {
          __schema {
            queryType { name }
            mutationType { name }
            subscriptionType { name }
            types { ...FullType }
            directives { name description locations args { ...InputValue } }
          }
        }

        fragment FullType on __Type {
          kind
          name
          description
          fields(includeDeprecated: true) {
            name
            description
            args { ...InputValue }
            type { ...TypeRef }
            isDeprecated
            deprecationReason
          }
          inputFields { ...InputValue }
          interfaces { ...TypeRef }
          enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
          possibleTypes { ...TypeRef }
        }

        fragment InputValue on __InputValue {
          name
          description
          type { ...TypeRef }
          defaultValue
        }

        fragment TypeRef on __Type {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                    ofType {
                      kind
                      name
                      ofType { kind name }
                    }
                  }
                }
              }
            }
          }
        }
        """

    static let builtInScalars: Set<String> = ["String", "Int", "Float", "Boolean", "ID"]
    static let builtInDirectives: Set<String> = ["skip", "include", "deprecated", "specifiedBy", "oneOf"]

    /// The SDL of the schema an introspection response describes. `source` names where
    /// the response came from, for messages. Throws when the body is not JSON, carries
    /// errors instead of `data.__schema`, or describes something that is not a schema.
    public static func sdl(fromResponse body: String, source: String) throws(SchemaError) -> String {
        func fail(_ what: String) -> SchemaError {
            SchemaError(description: "\(source): error: \(what)")
        }
        let json: JSON
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw fail("the introspection response is not JSON (\(error.description)); is this a GraphQL endpoint? It starts: \(preview(body))")
        }
        guard case .object(let top) = json else {
            throw fail("the introspection response is a JSON \(json.typeName), not an object with data.__schema")
        }
        guard let schema = top["data"]?["__schema"]?.objectValue else {
            if let errors = top["errors"]?.arrayValue, !errors.isEmpty {
                let messages = errors.prefix(3).map { $0["message"]?.stringValue ?? $0.serialized() }
                throw fail("the instance refused the introspection query: \(messages.joined(separator: "; "))"
                    + " (introspection may be disabled on this instance; save its schema with an administrator and use --schema FILE)")
            }
            throw fail("the response is not an introspection result: it has no data.__schema (keys: \(top.keys.prefix(5).joined(separator: ", ")))")
        }
        var printer = Printer(source: source)
        return try printer.print(schema)
    }

    private static func preview(_ text: String) -> String {
        let flat = text.prefix(80).map { $0.isNewline ? " " : $0 }
        return "'" + String(flat) + (text.count > 80 ? "…'" : "'")
    }

    /// Prints an introspection `__schema` object as SDL, in the order the server listed
    /// the types, without the built-in scalars, directives and introspection types.
    struct Printer {
        let source: String
        var out = ""

        init(source: String) { self.source = source }

        func fail(_ what: String) -> SchemaError {
            SchemaError(description: "\(source): error: the introspection result is malformed: \(what)")
        }

        mutating func print(_ schema: JSONObject) throws(SchemaError) -> String {
            guard let types = schema["types"]?.arrayValue else { throw fail("__schema has no types list") }
            guard let queryName = schema["queryType"]?["name"]?.stringValue else { throw fail("__schema has no queryType") }
            let mutationName = schema["mutationType"]?["name"]?.stringValue
            let subscriptionName = schema["subscriptionType"]?["name"]?.stringValue
            if queryName != "Query" || (mutationName ?? "Mutation") != "Mutation" || (subscriptionName ?? "Subscription") != "Subscription" {
                out += "schema {\n  query: \(queryName)\n"
                if let mutationName { out += "  mutation: \(mutationName)\n" }
                if let subscriptionName { out += "  subscription: \(subscriptionName)\n" }
                out += "}\n\n"
            }
            for directive in schema["directives"]?.arrayValue ?? [] {
                guard let d = directive.objectValue, let name = d["name"]?.stringValue else { throw fail("a directive has no name") }
                if Introspection.builtInDirectives.contains(name) { continue }
                description(d, indent: "")
                out += "directive @\(name)"
                try arguments(d["args"]?.arrayValue ?? [], indent: "")
                let locations = (d["locations"]?.arrayValue ?? []).compactMap(\.stringValue)
                guard !locations.isEmpty else { throw fail("directive @\(name) has no locations") }
                out += " on " + locations.joined(separator: " | ") + "\n\n"
            }
            for entry in types {
                guard let t = entry.objectValue, let name = t["name"]?.stringValue, let kind = t["kind"]?.stringValue else {
                    throw fail("a type has no name or kind")
                }
                if name.hasPrefix("__") || (kind == "SCALAR" && Introspection.builtInScalars.contains(name)) { continue }
                try type(t, name: name, kind: kind)
                out += "\n"
            }
            return out
        }

        mutating func type(_ t: JSONObject, name: String, kind: String) throws(SchemaError) {
            description(t, indent: "")
            switch kind {
            case "SCALAR":
                out += "scalar \(name)\n"
            case "OBJECT", "INTERFACE":
                out += (kind == "OBJECT" ? "type " : "interface ") + name
                let interfaces = try (t["interfaces"]?.arrayValue ?? []).map { (i: JSON) throws(SchemaError) -> String in try typeRef(i, in: name) }
                if !interfaces.isEmpty { out += " implements " + interfaces.joined(separator: " & ") }
                let fields = t["fields"]?.arrayValue ?? []
                if fields.isEmpty { out += "\n"; return }
                out += " {\n"
                for f in fields {
                    guard let field = f.objectValue, let fieldName = field["name"]?.stringValue else { throw fail("a field of \(name) has no name") }
                    description(field, indent: "  ")
                    out += "  \(fieldName)"
                    try arguments(field["args"]?.arrayValue ?? [], indent: "  ")
                    out += ": " + (try typeRef(field["type"], in: "\(name).\(fieldName)"))
                    deprecation(field)
                    out += "\n"
                }
                out += "}\n"
            case "UNION":
                let members = try (t["possibleTypes"]?.arrayValue ?? []).map { (m: JSON) throws(SchemaError) -> String in try typeRef(m, in: name) }
                out += "union \(name)" + (members.isEmpty ? "" : " = " + members.joined(separator: " | ")) + "\n"
            case "ENUM":
                out += "enum \(name) {\n"
                for v in t["enumValues"]?.arrayValue ?? [] {
                    guard let value = v.objectValue, let valueName = value["name"]?.stringValue else { throw fail("a value of enum \(name) has no name") }
                    description(value, indent: "  ")
                    out += "  \(valueName)"
                    deprecation(value)
                    out += "\n"
                }
                out += "}\n"
            case "INPUT_OBJECT":
                out += "input \(name) {\n"
                for f in t["inputFields"]?.arrayValue ?? [] {
                    guard let field = f.objectValue else { throw fail("an input field of \(name) is not an object") }
                    try inputValue(field, indent: "  ", in: name)
                    out += "\n"
                }
                out += "}\n"
            default:
                throw fail("type \(name) has kind \(kind), which is not a named type's kind")
            }
        }

        /// `(a: Int = 1, b: String)`, one per line when any of them has a description.
        mutating func arguments(_ args: [JSON], indent: String) throws(SchemaError) {
            guard !args.isEmpty else { return }
            let multiline = args.contains { $0["description"]?.stringValue?.isEmpty == false }
            out += "("
            for (i, a) in args.enumerated() {
                guard let arg = a.objectValue else { throw fail("an argument is not an object") }
                if multiline {
                    out += "\n"
                    try inputValue(arg, indent: indent + "  ", in: "argument")
                } else {
                    if i > 0 { out += ", " }
                    try inputValue(arg, indent: "", in: "argument")
                }
            }
            out += multiline ? "\n\(indent))" : ")"
        }

        mutating func inputValue(_ v: JSONObject, indent: String, in owner: String) throws(SchemaError) {
            guard let name = v["name"]?.stringValue else { throw fail("an input value of \(owner) has no name") }
            description(v, indent: indent)
            out += indent + name + ": " + (try typeRef(v["type"], in: "\(owner).\(name)"))
            if let value = v["defaultValue"]?.stringValue { out += " = " + value }
            deprecation(v)
        }

        func typeRef(_ ref: JSON?, in place: String) throws(SchemaError) -> String {
            var depth = 0
            func render(_ ref: JSON?) throws(SchemaError) -> String {
                depth += 1
                guard depth < 32, let r = ref?.objectValue, let kind = r["kind"]?.stringValue else {
                    throw fail("the type of \(place) is missing or nested too deep")
                }
                switch kind {
                case "NON_NULL": return try render(r["ofType"]) + "!"
                case "LIST": return "[" + (try render(r["ofType"])) + "]"
                default:
                    guard let name = r["name"]?.stringValue else { throw fail("the type of \(place) has no name") }
                    return name
                }
            }
            return try render(ref)
        }

        mutating func deprecation(_ o: JSONObject) {
            guard o["isDeprecated"]?.boolValue == true else { return }
            if let reason = o["deprecationReason"]?.stringValue, reason != "No longer supported" {
                out += " @deprecated(reason: \(Self.quoted(reason)))"
            } else {
                out += " @deprecated"
            }
        }

        mutating func description(_ o: JSONObject, indent: String) {
            guard let text = o["description"]?.stringValue, !text.isEmpty else { return }
            if text.contains("\n"), !text.contains("\"\"\""), !text.hasSuffix("\""), !text.hasSuffix("\\") {
                out += indent + "\"\"\"\n"
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    out += line.isEmpty ? "\n" : indent + line + "\n"
                }
                out += indent + "\"\"\"\n"
            } else {
                out += indent + Self.quoted(text) + "\n"
            }
        }

        /// A GraphQL string literal: JSON's escapes are GraphQL's.
        static func quoted(_ text: String) -> String {
            JSON.string(text).serialized()
        }
    }
}
