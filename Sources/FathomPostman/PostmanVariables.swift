import FathomCore
import Foundation

/// Postman environment and globals files, both ways.
///
/// Reading: `{"name", "values": [{"key", "value", "type", "enabled"|"disabled"}]}`, or
/// the legacy bare array of `{key, value, enabled}` that old globals exports are.
/// A value with `enabled: false` or `disabled: true` is left out (Newman ignores
/// `enabled: false`; Fathom does not), a key given twice keeps its last enabled
/// value, and `type: "secret"` makes the value secret (redacted everywhere).
public enum PostmanVariables {
    public static func read(_ file: PostmanFile) throws(LoadError) -> EnvironmentValues {
        let fileName = (file.path as NSString).lastPathComponent
        var env = EnvironmentValues(name: fileName.replacingOccurrences(of: ".json", with: ""))
        let list: [JSON]
        var pointerBase = "/values"
        switch file.json {
        case .object(let o):
            guard case .array(let values)? = o["values"] else {
                throw LoadError([Diagnostic(file: file.path, position: SourcePosition(line: 1, column: 1), message: "a Postman environment needs a \"values\" array of {key, value}")])
            }
            if let n = o["name"]?.stringValue, !n.isEmpty { env.name = n }
            list = values
        case .array(let values):
            list = values
            pointerBase = ""
        default:
            throw LoadError([Diagnostic(file: file.path, position: SourcePosition(line: 1, column: 1), message: "a Postman environment is a JSON object with \"values\", not \(file.json.typeName)")])
        }
        var diags: [Diagnostic] = []
        for (i, v) in list.enumerated() {
            guard case .object(let o) = v else {
                diags.append(Diagnostic(file: file.path, position: file.position("\(pointerBase)/\(i)"), message: "each value must be an object like {\"key\": \"name\", \"value\": \"...\"}, not \(v.typeName)"))
                continue
            }
            guard let key = o["key"]?.stringValue, !key.isEmpty else { continue }
            if o["enabled"]?.flag == false || o["disabled"]?.flag == true { continue }
            let value = o["value"].map { $0.isNull ? JSON.string("") : $0 } ?? .string("")
            env.variables[key] = value
            if o["type"]?.stringValue == "secret" { env.secrets.insert(key) } else { env.secrets.remove(key) }
        }
        if !diags.isEmpty { throw LoadError(diags) }
        return env
    }

    /// A Postman export of final values (`--export-environment`, `--export-globals`).
    /// Secret values are written as `***` unless `revealSecrets`.
    public static func export(
        name: String, scope: String, variables: JSONObject, secrets: Set<String>, revealSecrets: Bool, exportedAt: Date = Date()
    ) -> String {
        var values: [JSON] = []
        for (k, v) in variables.members {
            let secret = secrets.contains(k)
            var o = JSONObject()
            o["key"] = .string(k)
            o["value"] = secret && !revealSecrets ? .string(Redactor.mask) : .string(v.interpolationText)
            o["type"] = .string(secret ? "secret" : (v.stringValue == nil && !v.isNull ? "any" : "default"))
            o["enabled"] = .bool(true)
            values.append(.object(o))
        }
        var top = JSONObject()
        top["name"] = .string(name)
        top["values"] = .array(values)
        top["_postman_variable_scope"] = .string(scope)
        top["_postman_exported_at"] = .string(CivilDate.iso8601(millisecondsSince1970: Int64(exportedAt.timeIntervalSince1970 * 1000)))
        top["_postman_exported_using"] = .string("Fathom/0.1")
        return JSON.object(top).serialized(pretty: true) + "\n"
    }
}
