import FathomCore
import Foundation
import Testing

@testable import FathomMock

@Suite("Sonar API: mutations")
struct SonarMutationTests {
    @Test func createAccountAndItsValidationErrors() async throws {
        try await withSonar { server in
            let created = try await Sonar.data(server, """
                mutation { createAccount(input: {name: "Test Farm", account_status_id: 1, account_type_id: "2", company_id: 1,
                    primary_contact: {name: "Pat Tester", email_address: "pat@example.org"}}) {
                    id name account_status { name } created_at contacts { entities { name email_address primary } } } }
                """)
            let account = try #require(created["createAccount"])
            let id = try #require(account["id"]?.stringValue)
            #expect(Int64(id) != nil)
            #expect(account["account_status"]?["name"] == "Active")
            #expect(Sonar.entities(account["contacts"]) == [["name": "Pat Tester", "email_address": "pat@example.org", "primary": true]])
            let back = try await Sonar.data(server, "{ accounts(id: \(id)) { entities { name } } }")
            #expect(Sonar.entities(back["accounts"]) == [["name": "Test Farm"]])

            let invalid = try await Sonar.query(server, """
                mutation { createAccount(input: {name: " ", account_status_id: 999, account_type_id: 1, company_id: 1, primary_contact: {name: ""}}) { id } }
                """)
            #expect(invalid.status == 200)
            #expect(invalid.data == ["createAccount": nil])
            let error = try #require(invalid.errors.first)
            #expect(error["path"] == ["createAccount"])
            #expect(error["locations"]?[0]?["line"] == 1)
            let message = error["message"]?.stringValue ?? ""
            #expect(message.contains("name field is required"))
            #expect(message.contains("account_status_id (999) is invalid"))
            #expect(message.contains("primary_contact.name"))
            // Missing required input fields are caught by the engine's validation.
            let missing = try await Sonar.query(server, "mutation { createAccount(input: {name: \"X\"}) { id } }")
            #expect(missing.status == 200)
            #expect(missing.firstError.contains("account_status_id"))
            #expect(missing.data == nil)
        }
    }

    @Test func updateAccountAsPublicIntegrationsDo() async throws {
        try await withSonar { server in
            let data = try await Sonar.data(server, "mutation { updateAccount(id: \"12\", input: {account_status_id: 3}) { id account_status_id _version updated_at } }")
            #expect(data["updateAccount"]?["id"] == "12")
            #expect(data["updateAccount"]?["account_status_id"] == "3")
            #expect(data["updateAccount"]?["_version"] == "2")
            let back = try await Sonar.data(server, "{ accounts(id: 12, include_archived: true) { entities { account_status { id } } } }")
            #expect(Sonar.entities(back["accounts"]).first?["account_status"]?["id"] == "3")
            let renamed = try await Sonar.data(server, "mutation($id: Int64Bit!) { updateAccount(id: $id, input: {name: \"Renamed\"}) { name } }", variables: ["id": 12])
            #expect(renamed["updateAccount"]?["name"] == "Renamed")
            let unknown = try await Sonar.query(server, "mutation { updateAccount(id: 99999, input: {name: \"X\"}) { id } }")
            #expect(unknown.firstError == "Account 99999 does not exist.")
            #expect(unknown.data == ["updateAccount": nil])
            let badStatus = try await Sonar.query(server, "mutation { updateAccount(id: 12, input: {account_status_id: 77}) { id } }")
            #expect(badStatus.firstError.contains("account_status_id (77) is invalid"))
        }
    }

    @Test func archiveAndUnarchiveAccount() async throws {
        try await withSonar { server in
            let archived = try await Sonar.data(server, "mutation { archiveAccount(id: 4) { id archived_at archived_by_user_id } }")
            #expect(archived["archiveAccount"]?["archived_at"]?.stringValue != nil)
            #expect(archived["archiveAccount"]?["archived_by_user_id"] == "1")
            let hidden = try await Sonar.data(server, "{ accounts(id: 4) { entities { id } } }")
            #expect(Sonar.entities(hidden["accounts"]).isEmpty)
            let shown = try await Sonar.data(server, "{ accounts(id: 4, include_archived: true) { entities { id } } }")
            #expect(Sonar.ids(shown["accounts"]) == [4])
            let twice = try await Sonar.query(server, "mutation { archiveAccount(id: 4) { id } }")
            #expect(twice.firstError == "Account 4 is already archived.")
            let back = try await Sonar.data(server, "mutation { unarchiveAccount(id: 4) { id archived_at } }")
            #expect(back["unarchiveAccount"] == ["id": "4", "archived_at": nil])
            let again = try await Sonar.query(server, "mutation { unarchiveAccount(id: 4) { id } }")
            #expect(again.firstError == "Account 4 is not archived.")
        }
    }

    @Test func createAndDeleteAccountStatus() async throws {
        try await withSonar { server in
            let created = try await Sonar.data(server, """
                mutation { createAccountStatus(input: {name: "On Hold", activates_account: false, color: "12abEF", icon: CIRCLE}) { id name color icon activates_account } }
                """)
            let status = try #require(created["createAccountStatus"])
            #expect(status["color"] == "12abEF")
            #expect(status["icon"] == "CIRCLE")
            let id = try #require(status["id"]?.stringValue)
            let badColor = try await Sonar.query(server, """
                mutation { createAccountStatus(input: {name: "X", activates_account: false, color: "red", icon: CIRCLE}) { id } }
                """)
            #expect(badColor.status == 200)
            #expect(badColor.firstError.contains("HtmlHexColor"))
            let duplicate = try await Sonar.query(server, """
                mutation { createAccountStatus(input: {name: "Active", activates_account: true, color: "000000", icon: SQUARE}) { id } }
                """)
            #expect(duplicate.firstError.contains("already been taken"))
            let inUse = try await Sonar.query(server, "mutation { deleteAccountStatus(id: 1) { success message } }")
            #expect(inUse.firstError.contains("cannot be deleted"))
            #expect(inUse.data == ["deleteAccountStatus": nil])
            let deleted = try await Sonar.data(server, "mutation { deleteAccountStatus(id: \"\(id)\") { success message } }")
            #expect(deleted["deleteAccountStatus"] == ["success": true, "message": nil])
            let gone = try await Sonar.data(server, "{ account_statuses(id: \(id)) { entities { id } } }")
            #expect(Sonar.entities(gone["account_statuses"]).isEmpty)
            let missing = try await Sonar.query(server, "mutation { deleteAccountStatus(id: \(id)) { success } }")
            #expect(missing.firstError.contains("does not exist"))
        }
    }

    @Test func createUpdateAndDeleteTickets() async throws {
        try await withSonar { server in
            let created = try await Sonar.data(server, """
                mutation { createInternalTicket(input: {subject: "Fiber cut", description: "Backhoe", status: OPEN, priority: CRITICAL,
                    ticket_group_id: 1, ticketable_type: Account, ticketable_id: 5, user_id: 2, due_date: "2026-01-15"}) {
                    id subject status priority due_date ticket_group { name } ticketable { ... on Account { id } } user { id } } }
                """)
            let ticket = try #require(created["createInternalTicket"])
            #expect(ticket["ticket_group"]?["name"] == "Helpdesk")
            #expect(ticket["ticketable"]?["id"] == "5")
            #expect(ticket["due_date"] == "2026-01-15")
            let id = try #require(ticket["id"]?.stringValue)
            let listed = try await Sonar.data(server, "{ accounts(id: 5) { entities { tickets(id: \(id)) { entities { subject } } } } }")
            #expect(Sonar.entities(Sonar.entities(listed["accounts"]).first?["tickets"]) == [["subject": "Fiber cut"]])

            let invalid = try await Sonar.query(server, """
                mutation { createInternalTicket(input: {subject: "", description: "x", status: OPEN, priority: LOW, ticket_group_id: 99}) { id } }
                """)
            #expect(invalid.firstError.contains("subject field is required"))
            #expect(invalid.firstError.contains("ticket_group_id (99) is invalid"))
            let badEnum = try await Sonar.query(server, """
                mutation { createInternalTicket(input: {subject: "s", description: "x", status: SOLVED, priority: LOW}) { id } }
                """)
            #expect(badEnum.firstError.contains("SOLVED"))

            let closed = try await Sonar.data(server, """
                mutation { updateTicket(id: \(id), input: {status: CLOSED, priority: LOW, unset_due_date: true}) { status priority due_date closed_at closed_by_user { id } } }
                """)
            #expect(closed["updateTicket"]?["status"] == "CLOSED")
            #expect(closed["updateTicket"]?["due_date"] == .null)
            #expect(closed["updateTicket"]?["closed_at"]?.stringValue != nil)
            #expect(closed["updateTicket"]?["closed_by_user"]?["id"] == "1")
            let reopened = try await Sonar.data(server, "mutation { updateTicket(id: \(id), input: {status: OPEN}) { status closed_at } }")
            #expect(reopened["updateTicket"] == ["status": "OPEN", "closed_at": nil])
            let badUpdate = try await Sonar.query(server, "mutation { updateTicket(id: \(id), input: {ticketable_type: Account}) { id } }")
            #expect(badUpdate.firstError.contains("together"))

            let deleted = try await Sonar.data(server, "mutation { deleteTicket(id: \(id)) { success } }")
            #expect(deleted["deleteTicket"] == ["success": true])
            let gone = try await Sonar.data(server, "{ tickets(id: \(id)) { entities { id } } }")
            #expect(Sonar.entities(gone["tickets"]).isEmpty)
            let again = try await Sonar.query(server, "mutation { deleteTicket(id: \(id)) { success } }")
            #expect(again.firstError == "Ticket \(id) does not exist.")
        }
    }

    @Test func mutationsAreThreadSafeAndPerInstance() async throws {
        try await withSonar { server in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        let reply = try await Sonar.query(server, """
                            mutation { createInternalTicket(input: {subject: "Parallel \(i)", description: "d", status: OPEN, priority: LOW}) { id } }
                            """)
                        return reply.status
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
            let data = try await Sonar.data(server, """
                { tickets(search: [{string_fields: [{attribute: "subject", search_value: "Parallel", match: true}]}]) { entities { id } page_info { total_count } } }
                """)
            #expect(data["tickets"]?["page_info"]?["total_count"] == 20)
            #expect(Set(Sonar.ids(data["tickets"])).count == 20)
        }
        // Another instance starts from the seed again.
        try await withSonar { server in
            let data = try await Sonar.data(server, """
                { tickets(search: [{string_fields: [{attribute: "subject", search_value: "Parallel", match: true}]}]) { page_info { total_count } } }
                """)
            #expect(data["tickets"]?["page_info"]?["total_count"] == 0)
        }
    }
}
