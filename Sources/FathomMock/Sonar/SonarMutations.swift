import GraphQL

/// The mutations of the slice, with Sonar's input shapes. Invalid input is reported as a
/// field error in the standard `errors` list (the mutation's data is `null`).
///
/// Input fields for things the mock does not model (account groups, custom field data,
/// ticket categories, message and email categories, a create's serviceable address) are
/// accepted (ids that must exist are checked) and otherwise ignored.
enum SonarMutations {
    static func resolver(_ field: String) -> GraphQLFieldResolve? {
        let body: (@Sendable (Input, SonarContext) throws -> (any Sendable)?)? =
            switch field {
            case "createAccount": createAccount
            case "updateAccount": updateAccount
            case "archiveAccount": { try archive($0, $1, archived: true) }
            case "unarchiveAccount": { try archive($0, $1, archived: false) }
            case "createAccountStatus": createAccountStatus
            case "deleteAccountStatus": deleteAccountStatus
            case "createInternalTicket": createInternalTicket
            case "updateTicket": updateTicket
            case "deleteTicket": deleteTicket
            default: nil
            }
        guard let body else { return nil }
        return { _, args, context, _ in
            guard let context = context as? SonarContext else { return nil }
            return try body(Input(args), context)
        }
    }

    /// Reading arguments and input objects.
    struct Input: Sendable {
        let args: Map

        init(_ args: Map) { self.args = args }

        var id: Int64? { args.dictionary?["id"].flatMap(SonarScalars.int64) }
        var input: Fields? { args.dictionary?["input"].flatMap { $0.dictionary == nil ? nil : Fields(map: $0) } }
    }

    struct Fields: Sendable {
        let map: Map

        func has(_ key: String) -> Bool {
            guard let v = map.dictionary?[key] else { return false }
            return !v.isUndefined
        }
        func isNull(_ key: String) -> Bool { map.dictionary?[key]?.isNull ?? true }
        func string(_ key: String) -> String? { map.dictionary?[key]?.string }
        func bool(_ key: String) -> Bool? { map.dictionary?[key]?.bool }
        func int64(_ key: String) -> Int64? { map.dictionary?[key].flatMap(SonarScalars.int64) }
        func object(_ key: String) -> Fields? {
            map.dictionary?[key].flatMap { $0.dictionary == nil ? nil : Fields(map: $0) }
        }
    }

    /// Collects validation messages; throws them as one error.
    struct Problems {
        var messages: [String] = []
        mutating func add(_ message: String) { messages.append(message) }
        func check() throws {
            if !messages.isEmpty { throw SonarError("Validation failed: " + messages.joined(separator: " ")) }
        }
    }

    // MARK: Accounts

    static func createAccount(_ args: Input, _ context: SonarContext) throws -> (any Sendable)? {
        guard let input = args.input else { throw SonarError("The input argument is required.") }
        return try context.mutate { data -> Row in
            var problems = Problems()
            let name = input.string("name")?.trimmed ?? ""
            if name.isEmpty { problems.add("The name field is required.") }
            requireRow(&problems, data, "AccountStatus", input.int64("account_status_id"), "account_status_id")
            requireRow(&problems, data, "AccountType", input.int64("account_type_id"), "account_type_id")
            requireRow(&problems, data, "Company", input.int64("company_id"), "company_id")
            if input.has("serviceable_address_id"), !input.isNull("serviceable_address_id") {
                requireRow(&problems, data, "Address", input.int64("serviceable_address_id"), "serviceable_address_id")
            }
            let contact = input.object("primary_contact")
            let contactName = contact?.string("name")?.trimmed ?? ""
            if contactName.isEmpty { problems.add("The primary_contact.name field is required.") }
            if let id = input.int64("id"), data.row("Account", id) != nil || id < 1 {
                problems.add("The id \(id) is already taken or invalid.")
            }
            try problems.check()

            var accounts = data["Account"]
            let id = input.int64("id") ?? accounts.allocateID()
            let account = SonarSeed.makeRow(type: "Account", id: id, seed: context.store.seed, created: data.clock, cells: [
                "name": .string(name), "account_status_id": .int(input.int64("account_status_id")!),
                "account_type_id": .int(input.int64("account_type_id")!), "company_id": .int(input.int64("company_id")!),
                "is_delinquent": .bool(false), "is_eligible_for_archive": .bool(false),
                "activation_date": .string(SonarTime.date(ofSeconds: data.clock)),
            ])
            accounts.insert(account)
            data["Account"] = accounts

            var contacts = data["Contact"]
            var cells: [String: Cell] = [
                "contactable_type": .string("Account"), "contactable_id": .int(id), "name": .string(contactName),
                "primary": .bool(true), "language": .string("en"),
            ]
            if let email = contact?.string("email_address") { cells["email_address"] = .string(email) }
            if let role = contact?.string("role") { cells["role"] = .string(role) }
            if let optIn = contact?.bool("marketing_opt_in") { cells["marketing_opt_in"] = .bool(optIn) }
            contacts.insert(SonarSeed.makeRow(
                type: "Contact", id: contacts.allocateID(), seed: context.store.seed, created: data.clock, cells: cells
            ))
            data["Contact"] = contacts
            return account
        }
    }

    static func updateAccount(_ args: Input, _ context: SonarContext) throws -> (any Sendable)? {
        guard let id = args.id else { throw SonarError("The id argument is required.") }
        let input = args.input ?? Fields(map: .null)
        return try context.mutate { data -> Row in
            guard var row = data.row("Account", id) else { throw SonarError("Account \(id) does not exist.") }
            var problems = Problems()
            if input.has("name") {
                let name = input.string("name")?.trimmed ?? ""
                if name.isEmpty { problems.add("The name field cannot be empty.") } else { row.cells["name"] = .string(name) }
            }
            for (key, type) in [("account_status_id", "AccountStatus"), ("account_type_id", "AccountType"), ("company_id", "Company")]
            where input.has(key) {
                if requireRow(&problems, data, type, input.int64(key), key) { row.cells[key] = .int(input.int64(key)!) }
            }
            try problems.check()
            touch(&row, data.clock)
            data["Account"].update(row)
            return row
        }
    }

    static func archive(_ args: Input, _ context: SonarContext, archived: Bool) throws -> (any Sendable)? {
        guard let id = args.id else { throw SonarError("The id argument is required.") }
        return try context.mutate { data -> Row in
            guard var row = data.row("Account", id) else { throw SonarError("Account \(id) does not exist.") }
            let isArchived = !row["archived_at"].isNull
            if archived == isArchived {
                throw SonarError("Account \(id) is \(archived ? "already" : "not") archived.")
            }
            if archived {
                row.cells["archived_at"] = .time(data.clock)
                row.cells["archived_by_user_id"] = .int(context.userID)
            } else {
                row.cells["archived_at"] = nil
                row.cells["archived_by_user_id"] = nil
            }
            touch(&row, data.clock)
            data["Account"].update(row)
            return row
        }
    }

    // MARK: Account statuses

    static func createAccountStatus(_ args: Input, _ context: SonarContext) throws -> (any Sendable)? {
        guard let input = args.input else { throw SonarError("The input argument is required.") }
        return try context.mutate { data -> Row in
            var problems = Problems()
            let name = input.string("name")?.trimmed ?? ""
            if name.isEmpty { problems.add("The name field is required.") }
            let statuses = data["AccountStatus"]
            if statuses.ids.contains(where: { statuses[$0]?["name"] == .string(name) }) {
                problems.add("The name \"\(name)\" has already been taken.")
            }
            try problems.check()
            var table = statuses
            let row = SonarSeed.makeRow(type: "AccountStatus", id: table.allocateID(), seed: context.store.seed, created: data.clock, cells: [
                "name": .string(name), "activates_account": .bool(input.bool("activates_account") ?? false),
                "color": .string(input.string("color") ?? "000000"), "icon": .string(input.string("icon") ?? "CIRCLE"),
            ])
            table.insert(row)
            data["AccountStatus"] = table
            return row
        }
    }

    static func deleteAccountStatus(_ args: Input, _ context: SonarContext) throws -> (any Sendable)? {
        guard let id = args.id else { throw SonarError("The id argument is required.") }
        return try context.mutate { data -> [String: any Sendable] in
            guard data.row("AccountStatus", id) != nil else { throw SonarError("Account status \(id) does not exist.") }
            let users = data["Account"].ids(where: "account_status_id", equals: id).count
            if users > 0 {
                throw SonarError("Account status \(id) is used by \(users) account\(users == 1 ? "" : "s") and cannot be deleted.")
            }
            data["AccountStatus"].delete(id)
            return ["success": true, "message": Optional<String>.none as (any Sendable)?]
        }
    }

    // MARK: Tickets

    static func createInternalTicket(_ args: Input, _ context: SonarContext) throws -> (any Sendable)? {
        guard let input = args.input else { throw SonarError("The input argument is required.") }
        return try context.mutate { data -> Row in
            var problems = Problems()
            let subject = input.string("subject")?.trimmed ?? ""
            if subject.isEmpty { problems.add("The subject field is required.") }
            if (input.string("description")?.trimmed ?? "").isEmpty { problems.add("The description field is required.") }
            var cells: [String: Cell] = [
                "subject": .string(subject), "description": .string(input.string("description") ?? ""),
                "status": .string(input.string("status") ?? "OPEN"), "priority": .string(input.string("priority") ?? "MEDIUM"),
                "is_spam": .bool(false), "company_id": .int(1), "global_updated_at": .time(data.clock),
            ]
            try applyTicketFields(input, data: data, cells: &cells, problems: &problems)
            try problems.check()
            if cells["status"] == .string("CLOSED") {
                cells["closed_at"] = .time(data.clock)
                cells["closed_by_user_id"] = .int(context.userID)
            }
            var tickets = data["Ticket"]
            let row = SonarSeed.makeRow(type: "Ticket", id: tickets.allocateID(), seed: context.store.seed, created: data.clock, cells: cells)
            tickets.insert(row)
            data["Ticket"] = tickets
            return row
        }
    }

    static func updateTicket(_ args: Input, _ context: SonarContext) throws -> (any Sendable)? {
        guard let id = args.id else { throw SonarError("The id argument is required.") }
        let input = args.input ?? Fields(map: .null)
        return try context.mutate { data -> Row in
            guard var row = data.row("Ticket", id) else { throw SonarError("Ticket \(id) does not exist.") }
            var problems = Problems()
            let wasClosed = row["status"] == .string("CLOSED")
            for key in ["subject", "description"] where input.has(key) {
                let text = input.string(key)?.trimmed ?? ""
                if text.isEmpty { problems.add("The \(key) field cannot be empty.") } else { row.cells[key] = .string(input.string(key)!) }
            }
            for key in ["status", "priority"] where input.has(key) {
                if let value = input.string(key) { row.cells[key] = .string(value) } else { problems.add("The \(key) field cannot be null.") }
            }
            if let spam = input.bool("is_spam") { row.cells["is_spam"] = .bool(spam) }
            // Mailboxes are not modelled: the id is stored as given.
            if input.has("inbound_mailbox_id") { row.cells["inbound_mailbox_id"] = input.int64("inbound_mailbox_id").map(Cell.int) }
            try applyTicketFields(input, data: data, cells: &row.cells, problems: &problems)
            for key in ["due_date", "ticketable_type", "ticketable_id", "parent_ticket_id", "ticket_group_id", "user_id", "inbound_mailbox_id"]
            where input.bool("unset_" + key) == true {
                row.cells[key] = nil
            }
            if (row["ticketable_type"].isNull) != (row["ticketable_id"].isNull) {
                problems.add("ticketable_type and ticketable_id must be set or unset together.")
            }
            if row["parent_ticket_id"] == .int(id) { problems.add("A ticket cannot be its own parent.") }
            try problems.check()
            let isClosed = row["status"] == .string("CLOSED")
            if isClosed, !wasClosed {
                row.cells["closed_at"] = .time(data.clock)
                row.cells["closed_by_user_id"] = .int(context.userID)
            } else if !isClosed, wasClosed {
                row.cells["closed_at"] = nil
                row.cells["closed_by_user_id"] = nil
            }
            row.cells["global_updated_at"] = .time(data.clock)
            touch(&row, data.clock)
            data["Ticket"].update(row)
            return row
        }
    }

    static func deleteTicket(_ args: Input, _ context: SonarContext) throws -> (any Sendable)? {
        guard let id = args.id else { throw SonarError("The id argument is required.") }
        return try context.mutate { data -> [String: any Sendable] in
            guard data.row("Ticket", id) != nil else { throw SonarError("Ticket \(id) does not exist.") }
            data["Ticket"].delete(id)
            return ["success": true, "message": Optional<String>.none as (any Sendable)?]
        }
    }

    /// The optional ticket fields shared by create and update, with their references checked.
    private static func applyTicketFields(_ input: Fields, data: SonarData, cells: inout [String: Cell], problems: inout Problems) throws {
        if input.has("due_date") { cells["due_date"] = input.string("due_date").map(Cell.string) }
        if input.has("ticketable_type") || input.has("ticketable_id") {
            let type = input.string("ticketable_type")
            let id = input.int64("ticketable_id")
            switch (type, id) {
            case (nil, nil):
                cells["ticketable_type"] = nil
                cells["ticketable_id"] = nil
            case (let type?, let id?):
                if data.row(type, id) == nil {
                    problems.add("The ticketable \(type) \(id) does not exist.")
                } else {
                    cells["ticketable_type"] = .string(type)
                    cells["ticketable_id"] = .int(id)
                }
            default:
                problems.add("ticketable_type and ticketable_id must be given together.")
            }
        }
        for (key, type) in [("ticket_group_id", "TicketGroup"), ("user_id", "User"), ("parent_ticket_id", "Ticket")] where input.has(key) {
            if input.isNull(key) {
                cells[key] = nil
            } else if requireRow(&problems, data, type, input.int64(key), key) {
                cells[key] = .int(input.int64(key)!)
            }
        }
    }

    // MARK: Helpers

    @discardableResult
    private static func requireRow(_ problems: inout Problems, _ data: SonarData, _ type: String, _ id: Int64?, _ field: String) -> Bool {
        guard let id else {
            problems.add("The \(field) field is required.")
            return false
        }
        guard data.row(type, id) != nil else {
            problems.add("The selected \(field) (\(id)) is invalid.")
            return false
        }
        return true
    }

    private static func touch(_ row: inout Row, _ clock: Int64) {
        row.cells["updated_at"] = .time(clock)
        let version = Int(row["_version"].string ?? "1") ?? 1
        row.cells["_version"] = .string(String(version + 1))
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
