import GraphQL

/// Sonar's custom scalars, as a real instance outputs and accepts them.
enum SonarScalars {
    static func make(_ name: String) throws -> GraphQLScalarType {
        switch name {
        case "Int64Bit":
            return try GraphQLScalarType(
                name: name,
                serialize: { value in
                    switch value {
                    case let v as String: return .string(v)
                    case let v as Int64: return .string(String(v))
                    case let v as Int: return .string(String(v))
                    default: throw GraphQLError(message: "Int64Bit cannot represent \(value)")
                    }
                },
                parseValue: { value in
                    if let v = int64(value) { return .number(Number(v)) }
                    throw GraphQLError(message: "Int64Bit must be an integer or a string of digits, got \(describe(value)).")
                },
                parseLiteral: { ast in
                    if let v = ast as? IntValue, let i = Int64(v.value) { return .number(Number(i)) }
                    if let v = ast as? StringValue, let i = Int64(v.value) { return .number(Number(i)) }
                    throw GraphQLError(message: "Int64Bit must be an integer or a string of digits.", nodes: [ast])
                }
            )
        case "Datetime":
            return try text(name, "an ISO 8601 date and time with an offset, like 2024-05-01T13:04:05+00:00") {
                SonarTime.parseDatetime($0) != nil
            }
        case "Date":
            return try text(name, "a date in YYYY-MM-DD") { SonarTime.isDate($0) }
        case "HtmlHexColor":
            return try text(name, "6 hexadecimal digits, like 4caf50") { s in
                s.utf8.count == 6 && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }
            }
        case "EmailAddress":
            return try text(name, "an email address") { s in
                guard let at = s.firstIndex(of: "@") else { return false }
                return at != s.startIndex && s[s.index(after: at)...].contains(".") && !s.contains(" ")
            }
        default:  // Text, SubnetScalar and other string-like scalars.
            return try text(name, "a string") { _ in true }
        }
    }

    /// A scalar carried as a string and checked by `valid`.
    private static func text(_ name: String, _ expected: String, _ valid: @escaping @Sendable (String) -> Bool) throws -> GraphQLScalarType {
        try GraphQLScalarType(
            name: name,
            serialize: { value in
                if let v = value as? String { return .string(v) }
                throw GraphQLError(message: "\(name) cannot represent \(value)")
            },
            parseValue: { value in
                if case .string(let s) = value, valid(s) { return .string(s) }
                throw GraphQLError(message: "\(name) must be \(expected), got \(describe(value)).")
            },
            parseLiteral: { ast in
                if let v = ast as? StringValue, valid(v.value) { return .string(v.value) }
                throw GraphQLError(message: "\(name) must be \(expected).", nodes: [ast])
            }
        )
    }

    static func int64(_ value: Map) -> Int64? {
        switch value {
        case .number(let n):
            let d = n.doubleValue
            guard d.rounded() == d, abs(d) < 9.2e18 else { return nil }
            return n.storageType == .double ? Int64(d) : n.int64Value
        case .string(let s): return Int64(s)
        default: return nil
        }
    }

    private static func describe(_ value: Map) -> String {
        switch value {
        case .string(let s): return "\"\(s.prefix(40))\""
        case .number(let n): return "\(n.doubleValue)"
        default: return value.typeDescription
        }
    }
}
