import FathomCore
import Foundation

/// One entity: its GraphQL type name, id and scalar columns.
struct Row: Sendable {
    let type: String
    let id: Int64
    var cells: [String: Cell]

    subscript(column: String) -> Cell { cells[column] ?? .null }
}

/// The rows of one entity type, in id order, with indexes on every `*_id` column.
struct Table: Sendable {
    private(set) var rows: [Int64: Row] = [:]
    /// Ids in ascending order (ids only grow, so appending keeps it sorted).
    private(set) var ids: [Int64] = []
    private(set) var nextID: Int64 = 1
    /// column → value → ids (ascending).
    private(set) var indexes: [String: [Int64: [Int64]]] = [:]

    var count: Int { rows.count }

    subscript(id: Int64) -> Row? { rows[id] }

    static func isIndexed(_ column: String) -> Bool { column.hasSuffix("_id") }

    mutating func allocateID() -> Int64 {
        defer { nextID += 1 }
        return nextID
    }

    mutating func insert(_ row: Row) {
        precondition(rows[row.id] == nil, "duplicate id")
        rows[row.id] = row
        if let last = ids.last, last > row.id {
            ids.insert(row.id, at: ids.firstIndex { $0 > row.id } ?? ids.endIndex)
        } else {
            ids.append(row.id)
        }
        nextID = max(nextID, row.id + 1)
        for (column, cell) in row.cells where Table.isIndexed(column) {
            if case .int(let value) = cell { addIndex(column, value, row.id) }
        }
    }

    mutating func update(_ row: Row) {
        guard let old = rows[row.id] else { return }
        for (column, cell) in row.cells where Table.isIndexed(column) && old[column] != cell {
            if case .int(let value) = old[column] { removeIndex(column, value, row.id) }
            if case .int(let value) = cell { addIndex(column, value, row.id) }
        }
        for (column, cell) in old.cells where Table.isIndexed(column) && row.cells[column] == nil {
            if case .int(let value) = cell { removeIndex(column, value, row.id) }
        }
        rows[row.id] = row
    }

    mutating func delete(_ id: Int64) {
        guard let old = rows.removeValue(forKey: id) else { return }
        if let at = ids.firstIndex(of: id) { ids.remove(at: at) }
        for (column, cell) in old.cells where Table.isIndexed(column) {
            if case .int(let value) = cell { removeIndex(column, value, id) }
        }
    }

    /// Ids whose `column` equals `value`, ascending.
    func ids(where column: String, equals value: Int64) -> [Int64] {
        indexes[column]?[value] ?? []
    }

    private mutating func addIndex(_ column: String, _ value: Int64, _ id: Int64) {
        Self.insertSorted(id, into: &indexes[column, default: [:]][value, default: []])
    }

    /// Modifies the list in place (through the dictionaries' `_modify`), never a copy.
    private static func insertSorted(_ id: Int64, into list: inout [Int64]) {
        if let last = list.last, last > id {
            list.insert(id, at: list.firstIndex { $0 > id } ?? list.endIndex)
        } else {
            list.append(id)
        }
    }

    private mutating func removeIndex(_ column: String, _ value: Int64, _ id: Int64) {
        guard let at = indexes[column]?[value]?.firstIndex(of: id) else { return }
        indexes[column]?[value]?.remove(at: at)
        if indexes[column]?[value]?.isEmpty == true { indexes[column]?[value] = nil }
    }
}

/// All tables of one mock instance: a value, so a request reads one consistent snapshot.
struct SonarData: Sendable {
    var tables: [String: Table] = [:]
    /// Ticks once per mutation: the mock's deterministic clock.
    var clock: Int64 = SonarSeed.now
    var mutationCount: UInt64 = 0

    subscript(type: String) -> Table {
        get { tables[type] ?? Table() }
        _modify { yield &tables[type, default: Table()] }
    }

    func row(_ type: String, _ id: Int64) -> Row? { tables[type]?[id] }
}

/// The data of one mock instance behind a lock: reads take a snapshot, mutations
/// run one at a time.
final class SonarStore: Sendable {
    private let state: Locked<SonarData>
    let seed: UInt64

    init(seed: UInt64) {
        self.seed = seed
        state = Locked(Self.seeded(seed))
    }

    /// Seed data is generated once per seed and process; each store then changes its own copy.
    private static let cache = Locked<[UInt64: SonarData]>([:])

    private static func seeded(_ seed: UInt64) -> SonarData {
        if let data = cache.withLock({ $0[seed] }) { return data }
        let data = SonarSeed.generate(seed: seed)
        cache.withLock { $0[seed] = data }
        return data
    }

    var snapshot: SonarData { state.withLock { $0 } }

    func mutate<R>(_ body: (inout SonarData) throws -> R) rethrows -> R {
        try state.withLock { data in
            data.mutationCount += 1
            data.clock += 1
            return try body(&data)
        }
    }
}

/// How two entity types are related.
enum Relation: Sendable {
    /// This row's `key` column holds the id of a `target` row.
    case toOne(target: String, key: String)
    /// Polymorphic: `typeColumn` names the target type, `key` holds its id.
    case toOneAny(typeColumn: String, key: String)
    /// Rows of `target` whose `foreignKey` is this row's id (and whose `typeColumn`
    /// equals `typeValue` when the relation is polymorphic).
    case toMany(target: String, foreignKey: String, typeColumn: String?, typeValue: String?)

    static func many(_ target: String, _ foreignKey: String) -> Relation {
        .toMany(target: target, foreignKey: foreignKey, typeColumn: nil, typeValue: nil)
    }

    static func many(_ target: String, _ foreignKey: String, _ typeColumn: String, _ typeValue: String) -> Relation {
        .toMany(target: target, foreignKey: foreignKey, typeColumn: typeColumn, typeValue: typeValue)
    }

    /// Every relation the slice exposes, by type and field name.
    static let all: [String: [String: Relation]] = [
        "Account": [
            "account_status": .toOne(target: "AccountStatus", key: "account_status_id"),
            "account_type": .toOne(target: "AccountType", key: "account_type_id"),
            "company": .toOne(target: "Company", key: "company_id"),
            "parent_account": .toOne(target: "Account", key: "parent_account_id"),
            "archived_by_user": .toOne(target: "User", key: "archived_by_user_id"),
            "addresses": .many("Address", "addressable_id", "addressable_type", "Account"),
            "contacts": .many("Contact", "contactable_id", "contactable_type", "Account"),
            "ip_assignments": .many("IpAssignment", "ipassignmentable_id", "ipassignmentable_type", "Account"),
            "tickets": .many("Ticket", "ticketable_id", "ticketable_type", "Account"),
            "jobs": .many("Job", "jobbable_id", "jobbable_type", "Account"),
            "invoices": .many("Invoice", "account_id"),
            "account_services": .many("AccountService", "account_id"),
            "child_accounts": .many("Account", "parent_account_id"),
        ],
        "AccountStatus": ["accounts": .many("Account", "account_status_id")],
        "AccountType": ["accounts": .many("Account", "account_type_id")],
        "Company": [
            "accounts": .many("Account", "company_id"),
            "invoices": .many("Invoice", "company_id"),
            "services": .many("Service", "company_id"),
            "addresses": .many("Address", "addressable_id", "addressable_type", "Company"),
        ],
        "User": [
            "tickets": .many("Ticket", "user_id"),
            "jobs": .many("Job", "completed_by_user_id"),
            "inventory_items": .many("InventoryItem", "inventoryitemable_id", "inventoryitemable_type", "User"),
            "archived_accounts": .many("Account", "archived_by_user_id"),
        ],
        "Ticket": [
            "ticketable": .toOneAny(typeColumn: "ticketable_type", key: "ticketable_id"),
            "ticket_group": .toOne(target: "TicketGroup", key: "ticket_group_id"),
            "user": .toOne(target: "User", key: "user_id"),
            "parent_ticket": .toOne(target: "Ticket", key: "parent_ticket_id"),
            "closed_by_user": .toOne(target: "User", key: "closed_by_user_id"),
            "child_tickets": .many("Ticket", "parent_ticket_id"),
            "jobs": .many("Job", "ticket_id"),
        ],
        "TicketGroup": ["tickets": .many("Ticket", "ticket_group_id")],
        "Job": [
            "jobbable": .toOneAny(typeColumn: "jobbable_type", key: "jobbable_id"),
            "ticket": .toOne(target: "Ticket", key: "ticket_id"),
            "completed_by_user": .toOne(target: "User", key: "completed_by_user_id"),
        ],
        "Invoice": [
            "account": .toOne(target: "Account", key: "account_id"),
            "company": .toOne(target: "Company", key: "company_id"),
        ],
        "Service": [
            "company": .toOne(target: "Company", key: "company_id"),
            "account_services": .many("AccountService", "service_id"),
        ],
        "AccountService": [
            "account": .toOne(target: "Account", key: "account_id"),
            "service": .toOne(target: "Service", key: "service_id"),
            "inventory_items": .many("InventoryItem", "account_service_id"),
        ],
        "InventoryItem": [
            "account_service": .toOne(target: "AccountService", key: "account_service_id"),
            "claimed_user": .toOne(target: "User", key: "claimed_user_id"),
            "ip_assignments": .many("IpAssignment", "ipassignmentable_id", "ipassignmentable_type", "InventoryItem"),
        ],
        "IpAssignment": [
            "ipassignmentable": .toOneAny(typeColumn: "ipassignmentable_type", key: "ipassignmentable_id"),
        ],
    ]

    /// The root list fields and the entity type each returns.
    static let roots: [String: String] = [
        "accounts": "Account", "account_statuses": "AccountStatus", "account_types": "AccountType",
        "companies": "Company", "contacts": "Contact", "addresses": "Address", "users": "User",
        "tickets": "Ticket", "ticket_groups": "TicketGroup", "jobs": "Job", "invoices": "Invoice",
        "services": "Service", "account_services": "AccountService", "inventory_items": "InventoryItem",
        "ip_assignments": "IpAssignment",
    ]
}
