import FathomCore
import Foundation
import GraphQL

/// A schema that could not be read.
public struct SchemaError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// One thing wrong (or deprecated) in an operation, positioned in the query text.
public struct QueryFinding: Sendable, Equatable {
    /// `note`: a finding in a request that allows GraphQL errors (it expects to be refused).
    public enum Severity: String, Sendable { case error, warning, note }
    public var severity: Severity
    public var message: String
    /// 1-based line and column in the query text (UTF-16 columns, as GraphQL counts).
    public var line: Int?
    public var column: Int?
}

/// A GraphQL schema, read from SDL, that checks operations with the GraphQL
/// specification's validation rules (GraphQLSwift's, not Fathom's own), plus
/// deprecated fields, arguments and enum values as warnings.
public final class SchemaCheck: @unchecked Sendable {
    public let schema: GraphQLSchema

    /// Reads SDL. `file` names it in messages.
    public init(sdl: String, file: String) throws(SchemaError) {
        do {
            // GraphQLSwift's full SDL validation takes over half the time on a 5 MB
            // schema; the mistakes a pulled or hand-edited schema actually has
            // (a type, field or enum value given twice) are checked here instead, and
            // building the schema still refuses unknown and misplaced types.
            let document = try DocumentLimits.parse(sdl, name: file)
            if let problem = Self.duplicate(in: document) {
                throw SchemaError(description: "\(file):\(problem.line):\(problem.column): error: \(problem.message)")
            }
            schema = try buildASTSchema(documentAST: document, assumeValidSDL: true)
        } catch let error as SchemaError {
            throw error
        } catch let error as GraphQLError {
            let at = error.locations.first.map { ":\($0.line):\($0.column)" } ?? ""
            throw SchemaError(description: "\(file)\(at): error: the schema does not parse as GraphQL SDL: \(Self.firstLine(error.message))")
        } catch {
            throw SchemaError(description: "\(file): error: the schema could not be built: \(error)")
        }
    }

    /// Checks one operation document. `{{templates}}` are masked first (see
    /// `TemplateMask`), so they neither break parsing nor hide errors around them.
    public func check(_ query: String) -> [QueryFinding] {
        let mask = TemplateMask(query)
        let document: Document
        do {
            document = try DocumentLimits.parse(mask.text, name: "query")
        } catch let error as GraphQLError {
            return [finding(.error, error)]
        } catch {
            return [QueryFinding(severity: .error, message: "\(error)")]
        }
        let duplicates = DocumentLimits.duplicateDefinitions(in: document)
        if !duplicates.isEmpty { return duplicates.map { finding(.error, $0) } }
        var out = GraphQL.validate(schema: schema, ast: document)
            .filter { !mask.isPlaceholderMessage($0.message) }
            .map { finding(.error, $0) }
        out += GraphQL.validate(schema: schema, ast: document, rules: [NoDeprecatedCustomRule])
            .map { finding(.warning, $0) }
        return out
    }

    private func finding(_ severity: QueryFinding.Severity, _ error: GraphQLError) -> QueryFinding {
        let at = error.locations.first
        return QueryFinding(severity: severity, message: Self.firstLine(error.message), line: at?.line, column: at?.column)
    }

    /// The first type, field, input field or enum value defined twice.
    static func duplicate(in document: Document) -> (message: String, line: Int, column: Int)? {
        var types: Set<String> = []
        func place(_ name: Name) -> (Int, Int) { (name.loc?.startToken.line ?? 0, name.loc?.startToken.column ?? 0) }
        func unique(_ names: [Name], in type: String, what: String) -> (String, Int, Int)? {
            var seen: Set<String> = []
            for n in names where !seen.insert(n.value).inserted {
                let (l, c) = place(n)
                return ("\(what) \(type).\(n.value) is defined more than once", l, c)
            }
            return nil
        }
        for definition in document.definitions {
            guard let t = definition as? TypeDefinition else { continue }
            if !types.insert(t.name.value).inserted {
                let (l, c) = place(t.name)
                return ("type \(t.name.value) is defined more than once", l, c)
            }
            var found: (String, Int, Int)?
            if let o = t as? ObjectTypeDefinition { found = unique(o.fields.map(\.name), in: o.name.value, what: "field") }
            if let i = t as? InterfaceTypeDefinition { found = unique(i.fields.map(\.name), in: i.name.value, what: "field") }
            if let i = t as? InputObjectTypeDefinition { found = unique(i.fields.map(\.name), in: i.name.value, what: "input field") }
            if let e = t as? EnumTypeDefinition { found = unique(e.values.map(\.name), in: e.name.value, what: "enum value") }
            if let found { return (found.0, found.1, found.2) }
        }
        return nil
    }

    static func firstLine(_ s: String) -> String {
        s.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? s
    }
}

/// Replaces each `{{name}}` in a query with text of the same length that parses:
/// inside a string literal, letters (the string stays a string); in a comment,
/// spaces; elsewhere, where a template stands for a value, a variable reference
/// `$fN` padded with spaces. Positions are unchanged, so findings point into the
/// text as written. The placeholder variables are undeclared on purpose: the
/// "not defined" findings about them are dropped, and nothing else can mention them.
struct TemplateMask {
    let text: String
    let placeholders: Set<String>

    init(_ query: String) {
        var units = Array(query.utf16)
        var names: Set<String> = []
        var i = 0
        var inString = false
        var inBlock = false
        var inComment = false
        var counter = 0
        // Where the last search for a closing "}}" stopped without one (a line end or
        // the text's end): every "{{" before it has none either, so it is not searched
        // again (20,000 unclosed "{{" on one line took seconds, 200,000 minutes).
        var unclosedUntil = -1
        func at(_ k: Int, _ c: Character) -> Bool { k < units.count && units[k] == c.utf16.first! }
        while i < units.count {
            let c = units[i]
            if inComment {
                if c == 0x0A || c == 0x0D { inComment = false }
            } else if inBlock {
                if c == 0x22, at(i + 1, "\""), at(i + 2, "\"") { inBlock = false; i += 3; continue }
            } else if inString {
                if c == 0x5C { i += 2; continue }
                if c == 0x22 || c == 0x0A { inString = false }
            } else if c == 0x23 {
                inComment = true
            } else if c == 0x22 {
                if at(i + 1, "\""), at(i + 2, "\"") { inBlock = true; i += 3; continue }
                inString = true
            }
            if c == 0x7B, at(i + 1, "{"), i >= unclosedUntil {
                // A template: up to the matching "}}" on the same line.
                var end = i + 2
                while end + 1 < units.count, !(units[end] == 0x7D && units[end + 1] == 0x7D), units[end] != 0x0A { end += 1 }
                if end + 1 < units.count, units[end] == 0x7D, units[end + 1] == 0x7D {
                    let length = end + 2 - i
                    var replacement: [UInt16]
                    if inString || inBlock {
                        replacement = Array(repeating: 0x78, count: length)  // x
                    } else if inComment {
                        replacement = Array(repeating: 0x20, count: length)
                    } else {
                        let name = "$f\(counter)"
                        counter += 1
                        if name.utf16.count <= length {
                            names.insert(String(name.dropFirst()))
                            replacement = Array(name.utf16) + Array(repeating: 0x20, count: length - name.utf16.count)
                        } else {
                            replacement = Array(repeating: 0x20, count: length)
                        }
                    }
                    units.replaceSubrange(i..<(end + 2), with: replacement)
                    i = end + 2
                    continue
                }
                unclosedUntil = end
            }
            i += 1
        }
        text = String(decoding: units, as: UTF16.self)
        placeholders = names
    }

    /// A finding that exists only because of a placeholder (`Variable "$f0" is not defined.`).
    func isPlaceholderMessage(_ message: String) -> Bool {
        // Each quoted `"$fN"` in the message, looked up (not each placeholder searched for).
        let u = Array(message.utf8)
        var i = 0
        while i + 3 < u.count {
            if u[i] == 0x22, u[i + 1] == 0x24, u[i + 2] == 0x66 {
                var end = i + 3
                while end < u.count, u[end] >= 0x30, u[end] <= 0x39 { end += 1 }
                if end > i + 3, end < u.count, u[end] == 0x22, placeholders.contains(String(decoding: u[(i + 2)..<end], as: UTF8.self)) {
                    return true
                }
            }
            i += 1
        }
        return false
    }
}
