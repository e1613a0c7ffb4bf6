import FathomCore
import Foundation
import Testing

@testable import FathomMock

@Suite("Sonar API: queries")
struct SonarQueryTests {
    static let listFields = [
        "accounts", "account_statuses", "account_types", "companies", "contacts", "addresses", "users", "tickets",
        "ticket_groups", "jobs", "invoices", "services", "account_services", "inventory_items", "ip_assignments",
    ]

    @Test func everyListFieldPaginatesWithCorrectPageInfo() async throws {
        try await withSonar { server in
            for field in Self.listFields {
                let all = try await Sonar.data(server, "{ \(field)(paginator: {page: 1, records_per_page: 10000}) { entities { id } page_info { total_count } } }")
                let allIDs = Sonar.ids(all[field])
                let total = try #require(all[field]?["page_info"]?["total_count"]?.intValue)
                #expect(total == allIDs.count, "\(field)")
                #expect(total >= 2, "\(field) has seed data")
                #expect(allIDs == allIDs.sorted(), "\(field) is in id order")
                let perPage = max(1, total / 3)
                let pages = (total + perPage - 1) / perPage
                var seen: [Int64] = []
                for page in 1...pages {
                    let data = try await Sonar.data(server, """
                        { \(field)(paginator: {page: \(page), records_per_page: \(perPage)}) {
                            entities { id } page_info { page total_pages total_count records_per_page } } }
                        """)
                    let info = data[field]?["page_info"]
                    #expect(info == ["page": .integer(Int64(page)), "total_pages": .integer(Int64(pages)),
                                     "total_count": .integer(Int64(total)), "records_per_page": .integer(Int64(perPage))], "\(field) page \(page)")
                    seen += Sonar.ids(data[field])
                }
                #expect(seen == allIDs, "\(field): pages cover every row once")
                let past = try await Sonar.data(server, "{ \(field)(paginator: {page: \(pages + 1), records_per_page: \(perPage)}) { entities { id } page_info { page total_count } } }")
                #expect(Sonar.entities(past[field]).isEmpty)
            }
            // Without a paginator: 100 per page.
            let defaults = try await Sonar.data(server, "{ accounts { entities { id } page_info { page records_per_page total_pages } } }")
            #expect(Sonar.entities(defaults["accounts"]).count == 100)
            #expect(defaults["accounts"]?["page_info"]?["records_per_page"] == 100)
        }
    }

    @Test func seedDataIncludesWhatIntegrationsAssume() async throws {
        try await withSonar { server in
            let data = try await Sonar.data(server, """
                { account_statuses { entities { id name activates_account color } }
                  companies(id: 1) { entities { id name default } }
                  ticket_groups(id: 1) { entities { name } }
                  accounts(paginator: {page: 1, records_per_page: 1}) { page_info { total_count } } }
                """)
            let statuses = Sonar.entities(data["account_statuses"])
            #expect(statuses.first?["id"] == "1")
            #expect(statuses.first?["name"] == "Active")
            #expect(statuses.contains { $0["name"] == "Inactive" })
            #expect(Sonar.entities(data["companies"]).first?["default"] == true)
            #expect(Sonar.entities(data["ticket_groups"]).first?["name"] == "Helpdesk")
            #expect((data["accounts"]?["page_info"]?["total_count"]?.intValue ?? 0) >= 300)
        }
    }

    @Test func exactMatchArgumentsAndInt64BitIdsAsStrings() async throws {
        try await withSonar { server in
            let tickets = try await Sonar.data(server, """
                { tickets(ticket_group_id: 1, status: OPEN, paginator: {page: 1, records_per_page: 10000}) {
                    entities { id subject status created_at ticket_group_id ticket_group { name } } page_info { total_count } } }
                """)
            let list = Sonar.entities(tickets["tickets"])
            #expect(!list.isEmpty)
            #expect(list.allSatisfy { $0["status"] == "OPEN" && $0["ticket_group_id"] == "1" && $0["ticket_group"]?["name"] == "Helpdesk" })
            #expect(list.allSatisfy { $0["id"]?.stringValue != nil })

            let byLiteral = try await Sonar.data(server, "{ accounts(id: 2) { entities { id name account_status_id } } }")
            #expect(Sonar.ids(byLiteral["accounts"]) == [2])
            #expect(Sonar.entities(byLiteral["accounts"]).first?["account_status_id"]?.stringValue != nil)
            let byStringLiteral = try await Sonar.data(server, "{ accounts(id: \"2\") { entities { id } } }")
            #expect(Sonar.ids(byStringLiteral["accounts"]) == [2])
            let q = "query getAcc($id: Int64Bit!) { accounts(id: $id) { entities { id name } } }"
            let byInt = try await Sonar.data(server, q, variables: ["id": 5])
            let byString = try await Sonar.data(server, q, variables: ["id": "5"])
            #expect(Sonar.ids(byInt["accounts"]) == [5])
            #expect(byInt == byString)
            let none = try await Sonar.data(server, q, variables: ["id": "999999"])
            #expect(Sonar.entities(none["accounts"]).isEmpty)

            let statusTwo = try await Sonar.data(server, "{ accounts(account_status_id: 2, paginator: {page: 1, records_per_page: 10000}) { entities { account_status_id } } }")
            #expect(Sonar.entities(statusTwo["accounts"]).allSatisfy { $0["account_status_id"] == "2" })
            let business = try await Sonar.data(server, "{ accounts(account_type_id: 2, is_delinquent: false, paginator: {page: 1, records_per_page: 10000}) { entities { account_type_id is_delinquent } } }")
            #expect(!Sonar.entities(business["accounts"]).isEmpty)
            #expect(Sonar.entities(business["accounts"]).allSatisfy { $0["account_type_id"] == "2" && $0["is_delinquent"] == false })
        }
    }

    @Test func timestampsAndDatesAreISO() async throws {
        try await withSonar { server in
            let data = try await Sonar.data(server, "{ accounts(id: 3) { entities { created_at updated_at activation_date next_bill_date sonar_unique_id _version } } }")
            let account = try #require(Sonar.entities(data["accounts"]).first)
            let datetime = try Regex(#"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"#)
            let date = try Regex(#"^\d{4}-\d{2}-\d{2}$"#)
            #expect(account["created_at"]?.stringValue?.wholeMatch(of: datetime) != nil)
            #expect(account["updated_at"]?.stringValue?.wholeMatch(of: datetime) != nil)
            #expect(account["activation_date"]?.stringValue?.wholeMatch(of: date) != nil)
            #expect(account["sonar_unique_id"]?.stringValue?.count == 36)
            #expect(SonarTime.parseDatetime("2024-05-01T13:04:05+02:00") == SonarTime.parseDatetime("2024-05-01T11:04:05Z"))
            #expect(SonarTime.datetime(SonarTime.parseDatetime("2024-02-29T23:59:59Z")!) == "2024-02-29T23:59:59+00:00")
            #expect(!SonarTime.isDate("2023-02-29"))
        }
    }

    @Test func searchANDInsideOneObjectORAcrossObjects() async throws {
        try await withSonar { server in
            let all = "paginator: {page: 1, records_per_page: 10000}"
            // AND: string (partial, case-insensitive) and integer in one Search object.
            let and = try await Sonar.data(server, """
                { accounts(\(all), search: [{string_fields: [{attribute: "name", search_value: "AN", match: true}],
                    integer_fields: [{attribute: "account_status_id", search_value: 1, operator: EQ}]}]) { entities { name account_status_id } } }
                """)
            let andList = Sonar.entities(and["accounts"])
            #expect(!andList.isEmpty)
            #expect(andList.allSatisfy { ($0["name"]?.stringValue?.lowercased().contains("an") ?? false) && $0["account_status_id"] == "1" })
            // OR: two Search objects.
            func count(_ status: Int) async throws -> Int {
                let d = try await Sonar.data(server, "{ accounts(account_status_id: \(status), paginator: {page: 1, records_per_page: 1}) { page_info { total_count } } }")
                return d["accounts"]?["page_info"]?["total_count"]?.intValue ?? -1
            }
            let or = try await Sonar.data(server, """
                { accounts(\(all), search: [{integer_fields: [{attribute: "account_status_id", search_value: 2, operator: EQ}]},
                    {integer_fields: [{attribute: "account_status_id", search_value: 3, operator: EQ}]}]) { entities { account_status_id } page_info { total_count } } }
                """)
            #expect(Sonar.entities(or["accounts"]).allSatisfy { $0["account_status_id"] == "2" || $0["account_status_id"] == "3" })
            #expect(or["accounts"]?["page_info"]?["total_count"]?.intValue == (try await count(2)) + (try await count(3)))
            // match: false excludes; partial_matching: false is exact.
            let exact = try await Sonar.data(server, """
                { account_statuses(search: [{string_fields: [{attribute: "name", search_value: "active", match: true, partial_matching: false}]}]) { entities { name } } }
                """)
            #expect(Sonar.entities(exact["account_statuses"]).map { $0["name"] } == ["Active"])
            let notActive = try await Sonar.data(server, """
                { account_statuses(search: [{string_fields: [{attribute: "name", search_value: "active", match: false}]}]) { entities { name } } }
                """)
            #expect(!Sonar.entities(notActive["account_statuses"]).contains { ($0["name"]?.stringValue ?? "").lowercased().contains("active") })
            // Integer ranges.
            let range = try await Sonar.data(server, """
                { accounts(\(all), search: [{integer_fields: [{attribute: "id", search_value: 10, operator: GT}, {attribute: "id", search_value: "15", operator: LTE}]}]) { entities { id } } }
                """)
            #expect(!Sonar.ids(range["accounts"]).isEmpty)
            #expect(Sonar.ids(range["accounts"]).allSatisfy { $0 > 10 && $0 <= 15 })
            // Booleans.
            let delinquent = try await Sonar.data(server, """
                { accounts(\(all), search: [{boolean_fields: [{attribute: "is_delinquent", search_value: true, operator: EQ}]}]) { entities { is_delinquent account_status_id } } }
                """)
            #expect(!Sonar.entities(delinquent["accounts"]).isEmpty)
            #expect(Sonar.entities(delinquent["accounts"]).allSatisfy { $0["is_delinquent"] == true })
            let notDelinquent = try await Sonar.data(server, """
                { accounts(\(all), search: [{boolean_fields: [{attribute: "is_delinquent", search_value: true, operator: NEQ}]}]) { entities { is_delinquent } } }
                """)
            #expect(Sonar.entities(notDelinquent["accounts"]).allSatisfy { $0["is_delinquent"] == false })
            // Dates and datetimes.
            let dates = try await Sonar.data(server, """
                { accounts(\(all), search: [{date_fields: [{attribute: "activation_date", search_value: "2024-01-01", operator: GTE}]}]) { entities { activation_date } } }
                """)
            #expect(!Sonar.entities(dates["accounts"]).isEmpty)
            #expect(Sonar.entities(dates["accounts"]).allSatisfy { ($0["activation_date"]?.stringValue ?? "") >= "2024-01-01" })
            let times = try await Sonar.data(server, """
                { tickets(\(all), search: [{datetime_fields: [{attribute: "created_at", search_value: "2023-01-01T00:00:00-05:00", operator: LT}]}]) { entities { created_at } } }
                """)
            let limit = SonarTime.parseDatetime("2023-01-01T05:00:00Z")!
            #expect(!Sonar.entities(times["tickets"]).isEmpty)
            #expect(Sonar.entities(times["tickets"]).allSatisfy { SonarTime.parseDatetime($0["created_at"]?.stringValue ?? "")! < limit })
            // unset_fields / exists.
            let unset = try await Sonar.data(server, """
                { tickets(\(all), search: [{unset_fields: ["closed_at"]}]) { entities { status closed_at } } }
                """)
            #expect(Sonar.entities(unset["tickets"]).allSatisfy { $0["closed_at"] == .null && $0["status"] != "CLOSED" })
            // A search with a wrong type of field is an error, not a crash.
            let wrong = try await Sonar.query(server, """
                { accounts(search: [{boolean_fields: [{attribute: "name", search_value: true}]}]) { entities { id } } }
                """)
            #expect(wrong.status == 200)
            #expect(wrong.firstError.contains("not a boolean"))
        }
    }

    @Test func sorterOrdersByAttributesAndDirection() async throws {
        try await withSonar { server in
            let byName = try await Sonar.data(server, """
                { accounts(sorter: [{attribute: "name", direction: ASC}], paginator: {page: 1, records_per_page: 10000}) { entities { id name } } }
                """)
            let names = Sonar.entities(byName["accounts"]).compactMap { $0["name"]?.stringValue }
            #expect(names.count > 100)
            #expect(names == names.sorted())
            let desc = try await Sonar.data(server, """
                { accounts(sorter: [{attribute: "id", direction: DESC}], paginator: {page: 1, records_per_page: 5}) { entities { id } } }
                """)
            let ids = Sonar.ids(desc["accounts"])
            #expect(ids == ids.sorted(by: >))
            // Two keys: status, then name descending.
            let two = try await Sonar.data(server, """
                { accounts(sorter: [{attribute: "account_status_id", direction: ASC}, {attribute: "name", direction: DESC}],
                    paginator: {page: 1, records_per_page: 10000}) { entities { account_status_id name } } }
                """)
            let pairs = Sonar.entities(two["accounts"]).map { (Int($0["account_status_id"]?.stringValue ?? "") ?? 0, $0["name"]?.stringValue ?? "") }
            #expect(zip(pairs, pairs.dropFirst()).allSatisfy { a, b in a.0 < b.0 || (a.0 == b.0 && a.1 >= b.1) })
            let bad = try await Sonar.query(server, "{ accounts(sorter: [{attribute: \"colour\", direction: ASC}]) { entities { id } } }")
            #expect(bad.firstError.contains("colour"))
        }
    }

    @Test func generalSearch() async throws {
        try await withSonar { server in
            let data = try await Sonar.data(server, """
                query($s: String) { addresses(general_search: $s, paginator: {page: 1, records_per_page: 10}) {
                    entities { id line1 city subdivision zip serviceable } page_info { total_count } } }
                """, variables: ["s": "kearney"])
            let list = Sonar.entities(data["addresses"])
            #expect(!list.isEmpty)
            #expect(list.allSatisfy { $0.serialized().lowercased().contains("kearney") })
            #expect(list.first?["subdivision"] == "US_NE")
            let none = try await Sonar.data(server, "{ accounts(general_search: \"zzzz-no-such-name\") { entities { id } page_info { total_count total_pages } } }")
            #expect(none["accounts"]?["page_info"] == ["total_count": 0, "total_pages": 1])
        }
    }

    @Test func reverseRelationFilters() async throws {
        try await withSonar { server in
            let contact = try await Sonar.data(server, "{ accounts(id: 7) { entities { contacts { entities { email_address } } } } }")
            let email = try #require(Sonar.entities(Sonar.entities(contact["accounts"]).first?["contacts"]).first?["email_address"]?.stringValue)
            let data = try await Sonar.data(server, """
                { accounts(reverse_relation_filters: {relation: "contacts", search: {string_fields: {attribute: "email_address", match: true, search_value: "\(email)"}}}) { entities { id } } }
                """)
            #expect(Sonar.ids(data["accounts"]) == [7])
            // Accounts with an open ticket vs. accounts with none (is_empty).
            let open = try await Sonar.data(server, """
                { accounts(paginator: {page: 1, records_per_page: 10000}, reverse_relation_filters: [{relation: "tickets", search: [{string_fields: [{attribute: "status", search_value: "OPEN", match: true, partial_matching: false}]}]}]) {
                    entities { id tickets(status: OPEN) { page_info { total_count } } } page_info { total_count } } }
                """)
            #expect(Sonar.entities(open["accounts"]).allSatisfy { ($0["tickets"]?["page_info"]?["total_count"]?.intValue ?? 0) > 0 })
            let without = try await Sonar.data(server, """
                { accounts(paginator: {page: 1, records_per_page: 10000}, reverse_relation_filters: [{relation: "tickets", is_empty: true}]) { entities { tickets { page_info { total_count } } } } }
                """)
            #expect(!Sonar.entities(without["accounts"]).isEmpty)
            #expect(Sonar.entities(without["accounts"]).allSatisfy { $0["tickets"]?["page_info"]?["total_count"] == 0 })
            // Two levels: accounts whose tickets have jobs.
            let nested = try await Sonar.data(server, """
                { accounts(paginator: {page: 1, records_per_page: 10000}, reverse_relation_filters: [{relation: "tickets.jobs"}]) { entities { jobs { page_info { total_count } } } } }
                """)
            #expect(!Sonar.entities(nested["accounts"]).isEmpty)
            #expect(Sonar.entities(nested["accounts"]).allSatisfy { ($0["jobs"]?["page_info"]?["total_count"]?.intValue ?? 0) > 0 })
        }
    }

    @Test func archivedAccountsNeedIncludeArchived() async throws {
        try await withSonar { server in
            let q = "{ accounts(paginator: {page: 1, records_per_page: 10000}, include_archived: %@) { entities { id archived_at archived_by_user { id } } page_info { total_count } } }"
            let shown = try await Sonar.data(server, q.replacingOccurrences(of: "%@", with: "true"))
            let hidden = try await Sonar.data(server, q.replacingOccurrences(of: "%@", with: "false"))
            let archived = Sonar.entities(shown["accounts"]).filter { $0["archived_at"] != .null }
            #expect(!archived.isEmpty)
            #expect(archived.allSatisfy { $0["archived_by_user"]?["id"]?.stringValue != nil })
            #expect(Sonar.entities(hidden["accounts"]).allSatisfy { $0["archived_at"] == .null })
            #expect(Sonar.entities(hidden["accounts"]).count + archived.count == Sonar.entities(shown["accounts"]).count)
            let id = try #require(archived.first?["id"]?.stringValue)
            let direct = try await Sonar.data(server, "{ accounts(id: \(id)) { entities { id } } }")
            #expect(Sonar.entities(direct["accounts"]).isEmpty)
        }
    }

    @Test func relationsToOneAndToManyAndTicketableOnAccount() async throws {
        try await withSonar { server in
            let data = try await Sonar.data(server, """
                { accounts(id: 2) { entities { id name
                    account_status { id name } account_type { name type } company { id name }
                    contacts { entities { contactable_id contactable_type primary } page_info { total_count } }
                    primary: contacts(primary: true) { entities { name } }
                    addresses { entities { addressable_id line1 city } }
                    invoices(paginator: {page: 1, records_per_page: 2}, sorter: [{attribute: "date", direction: DESC}]) { entities { account_id date total_debits } page_info { total_count total_pages } }
                    ip_assignments { entities { subnet ipassignmentable { __typename ... on Account { id } } } }
                    account_services { entities { service { name } } }
                    tickets { entities { id ticketable { id } } } } } }
                """)
            let account = try #require(Sonar.entities(data["accounts"]).first)
            #expect(account["account_status"]?["name"]?.stringValue != nil)
            #expect(account["company"]?["id"]?.stringValue != nil)
            #expect(Sonar.entities(account["contacts"]).allSatisfy { $0["contactable_id"] == "2" && $0["contactable_type"] == "Account" })
            #expect(Sonar.entities(account["primary"]).count == 1)
            #expect(Sonar.entities(account["addresses"]).allSatisfy { $0["addressable_id"] == "2" })
            let invoices = Sonar.entities(account["invoices"])
            #expect(invoices.count == 2)
            #expect(account["invoices"]?["page_info"] == ["total_count": 3, "total_pages": 2])
            #expect((invoices[0]["date"]?.stringValue ?? "") > (invoices[1]["date"]?.stringValue ?? ""))
            #expect(Sonar.entities(account["ip_assignments"]).first?["ipassignmentable"] == ["__typename": "Account", "id": "2"])
            #expect(!Sonar.entities(account["account_services"]).isEmpty)
            #expect(Sonar.entities(account["tickets"]).allSatisfy { $0["ticketable"]?["id"] == "2" })

            // Inverse: a ticket's ticketable as an Account, an invoice's account, a status's accounts.
            let inverse = try await Sonar.data(server, """
                { tickets(paginator: {page: 1, records_per_page: 5}) { entities { ticketable_id ticketable { __typename id ... on Account { name account_status { name } } } user { username } } }
                  invoices(paginator: {page: 1, records_per_page: 3}) { entities { account_id account { id } } }
                  account_statuses(id: 1) { entities { accounts(paginator: {page: 1, records_per_page: 1}) { page_info { total_count } } } } }
                """)
            for ticket in Sonar.entities(inverse["tickets"]) {
                #expect(ticket["ticketable"]?["__typename"] == "Account")
                #expect(ticket["ticketable"]?["id"] == ticket["ticketable_id"])
                #expect(ticket["ticketable"]?["name"]?.stringValue != nil)
            }
            #expect(Sonar.entities(inverse["invoices"]).allSatisfy { $0["account"]?["id"] == $0["account_id"] })
            #expect((Sonar.entities(inverse["account_statuses"]).first?["accounts"]?["page_info"]?["total_count"]?.intValue ?? 0) > 100)
            // A relation to one with a filter that does not match is null.
            let filtered = try await Sonar.data(server, "{ accounts(id: 2) { entities { account_status(name: \"No such status\") { id } } } }")
            #expect(Sonar.entities(filtered["accounts"]).first?["account_status"] == .null)
        }
    }

    @Test func introspectionComesFromTheEngine() async throws {
        try await withSonar { server in
            let data = try await Sonar.data(server, """
                { __schema { queryType { name } mutationType { name } subscriptionType { name } }
                  account: __type(name: "Account") { kind fields { name } interfaces { name } }
                  ticketable: __type(name: "TicketableInterface") { kind possibleTypes { name } } }
                """)
            #expect(data["__schema"] == ["queryType": ["name": "Query"], "mutationType": ["name": "Mutation"], "subscriptionType": nil])
            let fields = data["account"]?["fields"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(fields.contains("contacts") && fields.contains("account_status") && fields.contains("archived_at"))
            #expect(data["ticketable"]?["kind"] == "INTERFACE")
            #expect(data["ticketable"]?["possibleTypes"] == [["name": "Account"]])
            let full = try await Sonar.query(server, """
                query IntrospectionQuery { __schema { types { name kind fields(includeDeprecated: true) { name args { name type { name kind ofType { name kind } } } } } } }
                """)
            #expect(full.status == 200 && full.errors.isEmpty)
        }
    }

    @Test func sameSeedSameBytesDifferentSeedDifferentData() async throws {
        let query = """
            { me { id name } accounts(paginator: {page: 3, records_per_page: 25}) { entities { id sonar_unique_id name created_at
                account_status { name } contacts { entities { name email_address } } addresses { entities { line1 city zip } }
                tickets { entities { subject status created_at } } } page_info { total_count } } }
            """
        func bytes(seed: UInt64) async throws -> [UInt8] {
            var result: [UInt8] = []
            try await withSonar(MockConfiguration(port: 0, seed: seed)) { server in
                let reply = try await Sonar.query(server, query)
                #expect(reply.status == 200 && reply.errors.isEmpty)
                result = reply.http.body
            }
            return result
        }
        let first = try await bytes(seed: 42)
        let second = try await bytes(seed: 42)
        let other = try await bytes(seed: 43)
        #expect(first.count > 5_000)
        #expect(first == second)
        #expect(first != other)
        #expect(try await bytes(seed: 1) == (try await bytes(seed: MockConfiguration().seed)))
    }
}
