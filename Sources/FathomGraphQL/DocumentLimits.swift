import GraphQL

/// Bounds on a GraphQL document, checked before GraphQLSwift sees it.
///
/// GraphQLSwift's parser descends one call per level of `{`, `[` and `(`, and its
/// fragment-cycle rule one call per fragment spread in a chain, so a document
/// nested thousands of levels deep, or a chain of thousands of fragments, overflows
/// the stack: a crash, not an error. Fuzzing found both (docs/reliability.md).
/// Real operations and schemas stay far inside these bounds; Sonar's schema
/// nests 4 levels, its queries rarely 10.
public enum DocumentLimits {
    /// The deepest nesting of `{`, `[` and `(` allowed.
    public static let maxNesting = 64
    /// The most fragment definitions one document may hold.
    public static let maxFragments = 256

    /// Parses `text` as GraphQLSwift does, refusing first what would overflow its
    /// stack, with a `GraphQLError` placed where the limit is passed.
    /// - Parameter maxNesting: a stricter nesting bound (the embedded instance's).
    public static func parse(_ text: String, name: String, maxNesting: Int = DocumentLimits.maxNesting) throws -> Document {
        let scan = Scan(text, limit: maxNesting)
        if let deep = scan.tooDeep {
            throw GraphQLError(
                message: "Syntax Error: the document nests {, [ and ( more than \(maxNesting) levels deep here; GraphQL documents this deep are refused (Fathom's bound)",
                locations: [SourceLocation(line: deep.line, column: deep.column)]
            )
        }
        if let escape = scan.truncatedEscape {
            throw GraphQLError(
                message: "Syntax Error: Unterminated string: the text ends inside its \\u escape, which needs four hexadecimal digits.",
                locations: [SourceLocation(line: escape.line, column: escape.column)]
            )
        }
        let document = try GraphQL.parse(source: Source(body: text, name: name))
        var fragments = 0
        for case let fragment as FragmentDefinition in document.definitions {
            fragments += 1
            if fragments > maxFragments {
                let start = fragment.loc?.startToken
                throw GraphQLError(
                    message: "the document defines more than \(maxFragments) fragments; documents with this many are refused (Fathom's bound)",
                    locations: start.map { [SourceLocation(line: $0.line, column: $0.column)] } ?? []
                )
            }
        }
        return document
    }

    /// Operations and fragments defined twice: the specification's errors for them
    /// (`LoneAnonymousOperation`, `UniqueOperationNames`, `UniqueFragmentNames`),
    /// found here because GraphQLSwift must not validate such a document. It keys
    /// dictionaries by operation and fragment with a hash of the object's identity
    /// but an equality of its content, so two identical definitions can trap
    /// ("Duplicate keys of type 'OperationDefinition' were found in a Dictionary";
    /// found by fuzzing). Empty when the document can be validated.
    public static func duplicateDefinitions(in document: Document) -> [GraphQLError] {
        var errors: [GraphQLError] = []
        var anonymous: [OperationDefinition] = []
        var operations: Set<String> = []
        var fragments: Set<String> = []
        for definition in document.definitions {
            if let operation = definition as? OperationDefinition {
                if let name = operation.name?.value {
                    if !operations.insert(name).inserted {
                        errors.append(GraphQLError(message: "There can be only one operation named \"\(name)\".", nodes: [operation.name!]))
                    }
                } else {
                    anonymous.append(operation)
                }
            } else if let fragment = definition as? FragmentDefinition {
                if !fragments.insert(fragment.name.value).inserted {
                    errors.append(GraphQLError(message: "There can be only one fragment named \"\(fragment.name.value)\".", nodes: [fragment.name]))
                }
            }
        }
        // Only definitions that can be equal are a danger: two anonymous operations, or
        // two of one name. One anonymous operation beside named ones is left to the rules.
        guard anonymous.count > 1 || !errors.isEmpty else { return [] }
        if !anonymous.isEmpty, anonymous.count + operations.count > 1 {
            errors += anonymous.map { GraphQLError(message: "This anonymous operation must be the only defined operation.", nodes: [$0]) }
        }
        return errors
    }

    /// Where `text` first nests deeper than `limit` (outside strings, block strings
    /// and comments), as a 1-based line and column (UTF-16 units, as GraphQL counts),
    /// or nil when it never does.
    public static func excessiveNesting(_ text: String, limit: Int = maxNesting) -> (line: Int, column: Int)? {
        Scan(text, limit: limit).tooDeep
    }

    /// One pass over a document's text: where it nests too deep, and where a string
    /// ends inside a `\u` escape (GraphQLSwift's lexer reads the four digits without
    /// looking for the text's end, and traps; found by fuzzing).
    struct Scan {
        var tooDeep: (line: Int, column: Int)?
        var truncatedEscape: (line: Int, column: Int)?

        init(_ text: String, limit: Int) {
            (tooDeep, truncatedEscape) = Self.run(text, limit: limit)
        }

        private static func run(_ text: String, limit: Int) -> ((line: Int, column: Int)?, (line: Int, column: Int)?) {
            var truncated: (line: Int, column: Int)?
            let u = Array(text.utf8)
            var depth = 0
            var line = 1
            var column = 1
            var i = 0
            enum Mode { case code, string, blockString, comment }
            var mode = Mode.code
            func isTripleQuote(_ at: Int) -> Bool {
                at + 2 < u.count && u[at] == 0x22 && u[at + 1] == 0x22 && u[at + 2] == 0x22
            }
            while i < u.count {
                let byte = u[i]
                var width = 1
                switch mode {
                case .comment:
                    if byte == 0x0A || byte == 0x0D { mode = .code }
                case .string:
                    if byte == 0x5C {
                        width = 2  // an escaped character, never the closing quote
                        if i + 1 < u.count, u[i + 1] == 0x75, i + 6 > u.count, truncated == nil { truncated = (line, column) }
                    } else if byte == 0x22 || byte == 0x0A || byte == 0x0D {
                        mode = .code
                    }
                case .blockString:
                    if byte == 0x5C, isTripleQuote(i + 1) {
                        width = 4  // \""" is an escaped triple quote
                    } else if isTripleQuote(i) {
                        width = 3
                        mode = .code
                    }
                case .code:
                    switch byte {
                    case 0x22:
                        if isTripleQuote(i) {
                            width = 3
                            mode = .blockString
                        } else {
                            mode = .string
                        }
                    case 0x23: mode = .comment
                    case 0x7B, 0x5B, 0x28:
                        depth += 1
                        if depth > limit { return ((line, column), truncated) }
                    case 0x7D, 0x5D, 0x29: depth = max(0, depth - 1)
                    default: break
                    }
                }
                // Advance the position over `width` bytes.
                for k in i..<min(i + width, u.count) {
                    let b = u[k]
                    if b == 0x0A || (b == 0x0D && (k + 1 >= u.count || u[k + 1] != 0x0A)) {
                        line += 1
                        column = 1
                    } else if b & 0xC0 != 0x80 {
                        column += b >= 0xF0 ? 2 : 1
                    }
                }
                i += width
            }
            return (nil, truncated)
        }
    }
}
