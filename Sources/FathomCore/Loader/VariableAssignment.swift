/// `name=value` from the command line (`--var`, `--secret`, `--env-var`, `--global-var`).
public enum VariableAssignment {
    /// The name and the value, typed when the text is a JSON number or boolean
    /// written the way JSON writes it back: `25` and `true` keep their type, while
    /// `1.10`, `007` or `1e3` stay the strings that were typed. nil without a name.
    public static func parse(_ s: String) -> (name: String, value: JSON)? {
        guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { return nil }
        let name = String(s[..<eq])
        let raw = String(s[s.index(after: eq)...])
        if let v = try? JSONParser.parse(raw), v.serialized() == raw {
            switch v {
            case .integer, .double, .bool: return (name, v)
            default: break
            }
        }
        return (name, .string(raw))
    }
}
