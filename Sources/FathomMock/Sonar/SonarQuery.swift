import Foundation
import GraphQL

/// A resolver failure reported in the response's `errors` with the field's path and location.
///
/// (Not a `GraphQLError`: the engine passes those through without a path.)
struct SonarError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// What the engine knows about the slice's entity types: their scalar columns.
struct SonarModel: Sendable {
    /// type → column → kind.
    let columns: [String: [String: ColumnKind]]
    /// type → textual columns, in SDL order (for `general_search`).
    let textColumns: [String: [String]]

    func kind(_ type: String, _ column: String) -> ColumnKind? { columns[type]?[column] }
}

/// Filtering, searching, sorting and paging of one entity list, the way Sonar's list
/// fields and relations to many do it.
struct SonarQuery {
    let model: SonarModel
    let data: SonarData
    /// Charges returned rows to the request's budget.
    var spend: ((Int) throws -> Void)? = nil

    /// Arguments that are not exact-match columns.
    static let controlArguments: Set<String> = [
        "paginator", "sorter", "search", "general_search", "reverse_relation_filters", "include_archived",
    ]
    static let defaultRecordsPerPage = 100
    static let maxRecordsPerPage = 10_000

    /// `{entities, page_info}` for `type`, from `candidates` (ascending ids) or the whole table.
    func connection(
        _ type: String, args: Map, candidates: [Int64]? = nil, includeArchived: Bool = false
    ) throws -> [String: any Sendable] {
        let matched = try filter(type, args: args, candidates: candidates, includeArchived: includeArchived)
        let sorted = try sort(type, matched, sorter: args.dictionary?["sorter"])
        var page = 1
        var perPage = Self.defaultRecordsPerPage
        if let paginator = args.dictionary?["paginator"]?.dictionary {
            page = paginator["page"]?.int ?? 1
            perPage = paginator["records_per_page"]?.int ?? Self.defaultRecordsPerPage
            guard page >= 1 else { throw SonarError("The paginator page must be 1 or more.") }
            guard (1...Self.maxRecordsPerPage).contains(perPage) else {
                throw SonarError("The paginator records_per_page must be between 1 and \(Self.maxRecordsPerPage).")
            }
        }
        let total = sorted.count
        let start = min(total, (page - 1).multipliedReportingOverflow(by: perPage).overflow ? total : (page - 1) * perPage)
        let end = min(total, start + perPage)
        try spend?(end - start)
        let entities: [(any Sendable)?] = sorted[start..<end].map { $0 }
        // Like Laravel's paginator: at least one page, even when nothing matched.
        let pages = max(1, (total + perPage - 1) / perPage)
        let pageInfo: [String: any Sendable] = [
            "page": page, "total_pages": pages, "total_count": total, "records_per_page": perPage,
        ]
        return ["entities": entities, "page_info": pageInfo]
    }

    /// The rows of `type` that pass the exact-match arguments, `search`, `general_search`,
    /// `reverse_relation_filters` and (for accounts) the archive filter, in id order.
    func filter(_ type: String, args: Map, candidates: [Int64]? = nil, includeArchived: Bool = false) throws -> [Row] {
        let table = data[type]
        let arguments = args.dictionary
        var ids = candidates ?? table.ids
        var predicates: [(Row) -> Bool] = []
        if let arguments {
            for (name, value) in arguments where !Self.controlArguments.contains(name) {
                if value.isUndefined { continue }
                guard let kind = model.kind(type, name) else { throw SonarError("Unknown argument \"\(name)\".") }
                let wanted = try cell(value, kind: kind, what: "argument \"\(name)\"")
                if name == "id", candidates == nil, let id = wanted.int {
                    ids = table[id] == nil ? [] : [id]
                    continue
                }
                if candidates == nil, Table.isIndexed(name), let value = wanted.int {
                    ids = table.ids(where: name, equals: value)
                }
                predicates.append { $0[name] == wanted }
            }
            if let search = arguments["search"], !search.isNull, !search.isUndefined {
                predicates.append(try searchPredicate(type, search))
            }
            if let text = arguments["general_search"]?.string {
                predicates.append(generalSearch(type, text))
            }
            if let filters = arguments["reverse_relation_filters"], !filters.isNull, !filters.isUndefined {
                predicates.append(try reverseRelations(type, filters))
            }
        }
        let showArchived = includeArchived || arguments?["include_archived"]?.bool == true
        if type == "Account", !showArchived {
            predicates.append { $0["archived_at"].isNull }
        }
        var rows: [Row] = []
        rows.reserveCapacity(ids.count)
        outer: for id in ids {
            guard let row = table[id] else { continue }
            for predicate in predicates where !predicate(row) { continue outer }
            rows.append(row)
        }
        return rows
    }

    // MARK: Sorting

    private func sort(_ type: String, _ rows: [Row], sorter: Map?) throws -> [Row] {
        guard let sorter, !sorter.isNull, !sorter.isUndefined else { return rows }
        let items = sorter.array ?? [sorter]
        var keys: [(String, Bool)] = []
        for item in items {
            guard let d = item.dictionary, let attribute = d["attribute"]?.string else { continue }
            guard model.kind(type, attribute) != nil else {
                throw SonarError("Cannot sort by \"\(attribute)\": \(type) has no such attribute.")
            }
            keys.append((attribute, d["direction"]?.string == "DESC"))
        }
        if keys.isEmpty { return rows }
        // Stable: ties keep id order.
        return rows.enumerated().sorted { a, b in
            for (attribute, descending) in keys {
                let x = a.element[attribute]
                let y = b.element[attribute]
                if x == y { continue }
                return descending ? Cell.ascending(y, x) : Cell.ascending(x, y)
            }
            return a.offset < b.offset
        }.map(\.element)
    }

    // MARK: Search

    /// `[Search]`: fields inside one Search object are ANDed, Search objects are ORed.
    private func searchPredicate(_ type: String, _ search: Map) throws -> (Row) -> Bool {
        let objects = (search.array ?? [search]).compactMap(\.dictionary)
        let groups: [[(Row) -> Bool]] = try objects.map { try searchObject(type, $0) }
        if groups.isEmpty { return { _ in true } }
        return { row in groups.contains { group in group.allSatisfy { $0(row) } } }
    }

    private func list(_ value: Map?) -> [[String: Map]] {
        guard let value, !value.isNull, !value.isUndefined else { return [] }
        return (value.array ?? [value]).compactMap { $0.dictionary.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, $0.value) }) } }
    }

    private func searchObject(_ type: String, _ object: some Sequence<(key: String, value: Map)>) throws -> [(Row) -> Bool] {
        var result: [(Row) -> Bool] = []
        for (field, value) in object {
            switch field {
            case "string_fields":
                for f in list(value) {
                    let attribute = try attributeName(type, f, allowed: [.string, .enumeration, .date], what: "a string")
                    let needle = (f["search_value"]?.string ?? "").lowercased()
                    let match = f["match"]?.bool ?? true
                    let partial = f["partial_matching"]?.bool ?? true
                    result.append { row in
                        guard case .string(let text) = row[attribute] else { return !match }
                        let hay = text.lowercased()
                        let found = partial ? hay.contains(needle) : hay == needle
                        return found == match
                    }
                }
            case "integer_fields", "float_fields", "date_fields", "datetime_fields":
                let allowed: [ColumnKind] =
                    switch field {
                    case "integer_fields": [.id, .int]
                    case "float_fields": [.float, .int]
                    case "date_fields": [.date]
                    default: [.datetime]
                    }
                for f in list(value) {
                    let attribute = try attributeName(type, f, allowed: allowed, what: String(field.dropLast(7)))
                    let wanted = try cell(f["search_value"] ?? .null, kind: allowed[0], what: "search_value of \"\(attribute)\"")
                    let op = f["operator"]?.string ?? "EQ"
                    result.append { row in
                        guard let c = Cell.compare(row[attribute], wanted) else { return op == "NEQ" && row[attribute].isNull }
                        switch op {
                        case "GT": return c > 0
                        case "GTE": return c >= 0
                        case "LT": return c < 0
                        case "LTE": return c <= 0
                        case "NEQ": return c != 0
                        default: return c == 0
                        }
                    }
                }
            case "boolean_fields":
                for f in list(value) {
                    let attribute = try attributeName(type, f, allowed: [.bool], what: "a boolean")
                    let wanted = f["search_value"]?.bool ?? true
                    let negate = f["operator"]?.string == "NEQ"
                    result.append { row in (row[attribute] == .bool(wanted)) != negate }
                }
            case "unset_fields", "exists":
                for item in value.array ?? [value] {
                    guard let attribute = item.string else { continue }
                    let unset = field == "unset_fields"
                    if model.kind(type, attribute) != nil {
                        result.append { row in row[attribute].isNull == unset }
                    } else if case .toMany? = Relation.all[type]?[attribute] {
                        let parents = try parentIDs(type, relation: attribute, search: nil, general: nil)
                        result.append { row in parents.contains(row.id) != unset }
                    } else {
                        throw SonarError("Unknown attribute \"\(attribute)\" on \(type).")
                    }
                }
            case "reverse_relation_filters":
                if !value.isNull, !value.isUndefined { result.append(try reverseRelations(type, value)) }
            default:
                if !value.isNull, !value.isUndefined {
                    throw SonarError("The mock does not support \(field) searches.")
                }
            }
        }
        return result
    }

    private func attributeName(_ type: String, _ field: [String: Map], allowed: [ColumnKind], what: String) throws -> String {
        guard let attribute = field["attribute"]?.string else { throw SonarError("A search field needs an attribute.") }
        guard let kind = model.kind(type, attribute) else {
            throw SonarError("Unknown search attribute \"\(attribute)\" on \(type).")
        }
        guard allowed.contains(kind) else {
            throw SonarError("\"\(attribute)\" on \(type) is not \(what) field.")
        }
        return attribute
    }

    /// Case-insensitive substring over the type's text columns, or the id.
    private func generalSearch(_ type: String, _ text: String) -> (Row) -> Bool {
        let needle = text.lowercased().trimmingCharacters(in: .whitespaces)
        let columns = model.textColumns[type] ?? []
        let id = Int64(needle)
        if needle.isEmpty { return { _ in true } }
        return { row in
            if let id, row.id == id { return true }
            for column in columns {
                if case .string(let s) = row[column], s.lowercased().contains(needle) { return true }
            }
            return false
        }
    }

    // MARK: Reverse relation filters

    /// Keeps rows that have (or, with `is_empty: true`, lack) related rows matching each filter.
    /// Several filters are ANDed; `group` is accepted but does not change that.
    private func reverseRelations(_ type: String, _ value: Map) throws -> (Row) -> Bool {
        var checks: [(Set<Int64>, Bool)] = []
        for filter in (value.array ?? [value]) {
            guard let f = filter.dictionary, let relation = f["relation"]?.string else {
                throw SonarError("A reverse relation filter needs a relation.")
            }
            let parents = try parentIDs(type, relation: relation, search: f["search"], general: f["general_search"]?.string)
            checks.append((parents, f["is_empty"]?.bool ?? false))
        }
        return { row in checks.allSatisfy { parents, empty in parents.contains(row.id) != empty } }
    }

    /// Ids of `type` rows that have a related row (over a relation to many) matching the search.
    /// One pass over the related table.
    private func parentIDs(_ type: String, relation: String, search: Map?, general: String?) throws -> Set<Int64> {
        let path = relation.split(separator: ".", maxSplits: 1).map(String.init)
        guard case .toMany(let target, let foreignKey, let typeColumn, let typeValue)? = Relation.all[type]?[path[0]] else {
            throw SonarError("Unknown relation \"\(relation)\" on \(type) for a reverse relation filter.")
        }
        var predicates: [(Row) -> Bool] = []
        if let typeColumn, let typeValue { predicates.append { $0[typeColumn] == .string(typeValue) } }
        if path.count == 2 {
            let nested = try parentIDs(target, relation: path[1], search: search, general: general)
            predicates.append { nested.contains($0.id) }
        } else {
            if let search, !search.isNull, !search.isUndefined { predicates.append(try searchPredicate(target, search)) }
            if let general { predicates.append(generalSearch(target, general)) }
        }
        var result = Set<Int64>()
        let table = data[target]
        for id in table.ids {
            guard let row = table[id], predicates.allSatisfy({ $0(row) }), case .int(let parent) = row[foreignKey] else { continue }
            result.insert(parent)
        }
        return result
    }

    // MARK: Values

    /// An argument value (already coerced by the engine) as a stored cell.
    func cell(_ value: Map, kind: ColumnKind, what: String) throws -> Cell {
        switch value {
        case .null, .undefined: return .null
        case .bool(let b):
            guard kind == .bool else { break }
            return .bool(b)
        case .number(let n):
            switch kind {
            case .id, .int:
                let d = n.doubleValue
                guard d.rounded() == d, abs(d) < 9.2e18 else { break }
                return .int(n.storageType == .double ? Int64(d) : n.int64Value)
            case .float: return .double(n.doubleValue)
            default: break
            }
        case .string(let s):
            switch kind {
            case .id, .int:
                guard let v = Int64(s) else { break }
                return .int(v)
            case .datetime:
                guard let t = SonarTime.parseDatetime(s) else { break }
                return .time(t)
            case .date:
                guard SonarTime.isDate(s) else { break }
                return .string(s)
            case .string, .enumeration: return .string(s)
            default: break
            }
        default: break
        }
        throw SonarError("Invalid value for \(what).")
    }
}
