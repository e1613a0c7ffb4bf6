import FathomCore
/// Deterministic seed data of a realistic size: the same seed gives the same rows.
///
/// Fixed rows that public integrations assume: account status 1 "Active" and 2
/// "Inactive", company 1 (the default), ticket group 1 "Helpdesk", user 1 (the
/// token's user, returned by `me`).
enum SonarSeed {
    /// The mock's "now": 2026-01-01T00:00:00Z. Mutations advance a virtual clock from here,
    /// so responses never depend on the wall clock.
    static let now: Int64 = 1_767_225_600
    static let accountCount = 400

    static let firstNames = [
        "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas", "Mia",
        "Mason", "Amelia", "Ethan", "Harper", "Logan", "Evelyn", "Aiden", "Abigail", "Jackson", "Emily",
        "Carter", "Ella", "Owen", "Grace", "Wyatt", "Chloe", "Caleb", "Nora", "Ruth", "Hector", "Zoe",
    ]
    static let lastNames = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
        "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson",
        "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker", "Young", "King",
    ]
    static let businessWords = [
        "Prairie", "Summit", "Riverbend", "Cedar", "Maple", "Granite", "Harbor", "Pioneer", "Lakeside",
        "Canyon", "Meadow", "Aspen", "Redwood", "Bluebird", "Ironwood", "Sunrise",
    ]
    static let businessKinds = [
        "Farms", "Dental", "Hardware", "Bakery", "Veterinary Clinic", "Motors", "Law Office", "Cafe",
        "Grain Co-op", "Library", "School District", "Fire Department",
    ]
    static let streets = [
        "Main St", "Oak Ave", "Pine Rd", "Elm St", "County Road 12", "Highway 30", "Lincoln Way",
        "Prairie Ln", "Ridge Rd", "Sunset Blvd", "Mill St", "Church St", "2nd Ave", "Park Dr",
    ]
    /// city, subdivision, zip prefix
    static let places: [(String, String, String)] = [
        ("Kearney", "US_NE", "688"), ("Grand Island", "US_NE", "688"), ("Lincoln", "US_NE", "685"),
        ("Fort Collins", "US_CO", "805"), ("Greeley", "US_CO", "806"), ("Bend", "US_OR", "977"),
        ("Yakima", "US_WA", "989"), ("Amarillo", "US_TX", "791"), ("Peoria", "US_IL", "616"),
        ("Athens", "US_GA", "306"), ("Dayton", "US_OH", "454"), ("Ithaca", "US_NY", "148"),
        ("Salinas", "US_CA", "939"), ("Ocala", "US_FL", "344"), ("Pittsfield", "US_MA", "012"),
    ]
    static let ticketSubjects = [
        "Internet is slow in the evenings", "No connection since this morning", "Question about my bill",
        "Upgrade to a faster plan", "Router keeps rebooting", "Move service to a new address",
        "Wi-Fi does not reach the barn", "Static IP request", "Cancel service", "Intermittent packet loss",
        "Installation appointment", "Update payment method",
    ]

    static func generate(seed: UInt64) -> SonarData {
        var g = SplitMix64(seed: seed)
        var data = SonarData()
        func pick<T>(_ items: [T]) -> T { items[Int(g.next() % UInt64(items.count))] }
        func int(_ range: ClosedRange<Int64>) -> Int64 { range.lowerBound + Int64(g.next() % UInt64(range.count)) }
        func chance(_ p: Double) -> Bool { Double(g.next() >> 11) / Double(1 << 53) < p }
        func hex() -> String {
            let v = g.next() & 0xFF_FFFF
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 6 - s.count) + s
        }
        func stamp(_ from: Int64, _ to: Int64) -> Int64 { from < to ? int(from...to) : from }
        func add(_ type: String, _ created: Int64, _ cells: [String: Cell], id: Int64? = nil) -> Int64 {
            // In place: a copy of the table taken out and put back would copy every row
            // on each insertion (copy-on-write), quadratic over the seed.
            let id = id ?? data[type].allocateID()
            data[type].insert(makeRow(type: type, id: id, seed: seed, created: created, cells: cells))
            return id
        }

        let start = now - 5 * 365 * 86_400  // 2021
        // Reference data.
        let statuses: [(String, Bool, String, String)] = [
            ("Active", true, "4caf50", "CHECKMARK759628"), ("Inactive", false, "9e9e9e", "CIRCLE"),
            ("Delinquent", true, "ff9800", "ALERT759619"), ("Suspended", false, "f44336", "FLAG759300"),
            ("Lead", false, "2196f3", "STAR759813"),
        ]
        for (name, activates, color, icon) in statuses {
            _ = add("AccountStatus", start, [
                "name": .string(name), "activates_account": .bool(activates), "color": .string(color), "icon": .string(icon),
            ])
        }
        let types: [(String, String)] = [("Residential", "RESIDENTIAL"), ("Business", "COMMERCIAL"), ("Government", "GOVERNMENT")]
        for (name, kind) in types {
            _ = add("AccountType", start, ["name": .string(name), "type": .string(kind), "color": .string(hex()), "icon": .string("SQUARE")])
        }
        let companies: [(String, Bool)] = [("Prairie Fiber & Wireless", true), ("Prairie Fiber Business", false)]
        for (name, isDefault) in companies {
            _ = add("Company", start, [
                "name": .string(name), "default": .bool(isDefault), "enabled": .bool(true), "country": .string("US"),
                "isp_type": .string("WIRELESS"), "primary_color": .string("1e88e5"), "secondary_color": .string("ffffff"),
                "show_remittance_slip": .bool(true), "checks_payable_to": .string(name),
            ])
        }
        let users: [(String, String, Bool)] = [
            ("Fathom Admin", "admin", true), ("Dana Support", "dana", false), ("Sam Field", "sam", false),
            ("Riley Billing", "riley", false), ("Jordan NOC", "jordan", false), ("Casey Tech", "casey", false),
            ("Morgan Sales", "morgan", false), ("Former Employee", "former", false),
        ]
        for (name, username, admin) in users {
            _ = add("User", start, [
                "name": .string(name), "public_name": .string(name.split(separator: " ").first.map(String.init) ?? name),
                "username": .string(username), "email_address": .string("\(username)@prairiefiber.example"),
                "enabled": .bool(username != "former"), "super_admin": .bool(admin), "completed_setup": .bool(true),
                "is_sonar_staff": .bool(false), "language": .string("en"), "role_id": .int(admin ? 1 : 2),
            ])
        }
        for (name, isPrivate) in [("Helpdesk", false), ("Billing", false), ("Network Operations", true)] {
            _ = add("TicketGroup", start, ["name": .string(name), "enabled": .bool(true), "private": .bool(isPrivate)])
        }
        let services: [(String, Int64, String)] = [
            ("Fiber 100", 4_999, "RECURRING"), ("Fiber 500", 6_999, "RECURRING"), ("Fiber Gig", 8_999, "RECURRING"),
            ("Wireless 25", 4_499, "RECURRING"), ("Wireless 50", 5_999, "RECURRING"), ("Static IP", 1_000, "RECURRING"),
            ("Router Rental", 800, "RECURRING"), ("Installation", 9_900, "ONETIME"), ("Late Fee", 1_500, "ONETIME"),
            ("Service Credit", 2_000, "ADJUSTMENT"), ("Data Top-Up 100GB", 1_000, "DATA"), ("Voice Line", 2_500, "VOICE"),
        ]
        for (name, amount, kind) in services {
            _ = add("Service", start, [
                "name": .string(name), "amount": .int(amount), "type": .string(kind),
                "application": .string(kind == "ADJUSTMENT" ? "CREDIT" : "DEBIT"), "company_id": .int(1),
                "enabled": .bool(true), "display_if_zero": .bool(false),
            ])
        }
        // Company 1's own address.
        _ = add("Address", start, [
            "addressable_type": .string("Company"), "addressable_id": .int(1), "line1": .string("100 Main St"),
            "city": .string("Kearney"), "subdivision": .string("US_NE"), "zip": .string("68847"), "country": .string("US"),
            "type": .string("MAILING"), "serviceable": .bool(false), "is_anchor": .bool(false),
        ])

        // Accounts and what hangs off them.
        for n in 1...accountCount {
            let business = chance(0.2)
            let created = stamp(start, now - 30 * 86_400)
            let first = pick(firstNames)
            let last = pick(lastNames)
            let name = business ? "\(pick(businessWords)) \(pick(businessKinds))" : "\(first) \(last)"
            let statusID: Int64 = chance(0.78) ? 1 : int(2...5)
            let archived = n > 10 && chance(0.04)
            let activation = created + int(0...20) * 86_400
            var cells: [String: Cell] = [
                "name": .string(name), "account_status_id": .int(statusID), "account_type_id": .int(business ? 2 : (chance(0.03) ? 3 : 1)),
                "company_id": .int(business && chance(0.3) ? 2 : 1), "is_delinquent": .bool(statusID == 3),
                "activation_date": .string(SonarTime.date(ofSeconds: activation)),
                "next_bill_date": .string(SonarTime.date(ofSeconds: now + int(1...28) * 86_400)),
                "next_recurring_charge_amount": .int(int(40...150) * 100 - 1), "data_usage_percentage": .int(int(0...120)),
                "is_eligible_for_archive": .bool(statusID == 2),
            ]
            if archived {
                cells["archived_at"] = .time(stamp(created, now - 86_400))
                cells["archived_by_user_id"] = .int(int(1...4))
            }
            if n > 20, business, chance(0.15) { cells["parent_account_id"] = .int(int(1...Int64(n - 1))) }
            let account = add("Account", created, cells)

            let contacts = 1 + Int(g.next() % 3)
            for c in 0..<contacts {
                let cf = c == 0 && !business ? first : pick(firstNames)
                let cl = c == 0 && !business ? last : pick(lastNames)
                let email = "\(cf.lowercased()).\(cl.lowercased())\(account)\(c == 0 ? "" : "-\(c)")@example.net"
                _ = add("Contact", created, [
                    "contactable_type": .string("Account"), "contactable_id": .int(account), "name": .string("\(cf) \(cl)"),
                    "primary": .bool(c == 0), "email_address": .string(email), "language": .string(chance(0.1) ? "fr" : "en"),
                    "marketing_opt_in": .bool(chance(0.4)), "role": c == 0 ? .string("Owner") : .string(pick(["Spouse", "Billing", "Technical"])),
                ])
            }
            let (city, subdivision, zip) = pick(places)
            let address = add("Address", created, [
                "addressable_type": .string("Account"), "addressable_id": .int(account),
                "line1": .string("\(int(1...9999)) \(pick(streets))"), "line2": chance(0.15) ? .string("Unit \(int(1...40))") : .null,
                "city": .string(city), "subdivision": .string(subdivision), "zip": .string("\(zip)\(int(10...99))"),
                "country": .string("US"), "type": .string("PHYSICAL"), "serviceable": .bool(true), "is_anchor": .bool(false),
                "attainable_download_speed": .int(pick([100, 500, 1000])), "attainable_upload_speed": .int(pick([20, 100, 1000])),
            ])
            // Services, equipment and addresses on the network.
            var accountServices: [Int64] = []
            for s in 0..<(1 + Int(g.next() % 2)) {
                let serviceID: Int64 = s == 0 ? int(1...5) : int(6...7)
                accountServices.append(add("AccountService", created, [
                    "account_id": .int(account), "service_id": .int(serviceID), "quantity": .int(1),
                    "next_bill_date": .string(SonarTime.date(ofSeconds: now + int(1...28) * 86_400)),
                    "number_of_times_billed": .int(int(0...48)),
                ]))
            }
            let item = add("InventoryItem", created, [
                "inventoryitemable_type": .string("Address"), "inventoryitemable_id": .int(address),
                "account_service_id": .int(accountServices[0]), "inventory_model_id": .int(int(1...6)),
                "status": .string(chance(0.95) ? "FUNCTIONAL" : "FAILED"), "flapping": .bool(chance(0.05)),
                "overall_status": .string(chance(0.9) ? "GOOD" : pick(["DOWN", "WARNING"])),
                "icmp_status_flap_count": .int(int(0...3)), "snmp_status_flap_count": .int(int(0...3)), "quantity": .int(1),
            ])
            let octet3 = (account - 1) / 250
            let octet4 = (account - 1) % 250 + 2
            _ = add("IpAssignment", created, [
                "ipassignmentable_type": .string("Account"), "ipassignmentable_id": .int(account),
                "subnet": .string("100.64.\(octet3).\(octet4)/32"), "subnet_id": .int(1 + octet3), "ip_pool_id": .int(1),
                "soft": .bool(false), "description": .string("CPE \(item)"),
            ])
            // Three monthly invoices.
            for k in 0..<3 {
                let day = (now - Int64(3 - k) * 30 * 86_400) / 86_400
                let total = int(40...160) * 100 - 1
                let paid = k < 2 || chance(0.7)
                _ = add("Invoice", day * 86_400, [
                    "account_id": .int(account), "company_id": cells["company_id"]!, "date": .string(SonarTime.date(days: day)),
                    "due_date": .string(SonarTime.date(days: day + 21)), "end_date": .string(SonarTime.date(days: day + 29)),
                    "total_debits": .int(total), "total_taxes": .int(total / 12), "remaining_due": .int(paid ? 0 : total + total / 12),
                    "child_invoice_remaining_due": .int(0), "status": .string(paid ? "PAID" : "UNPAID"),
                    "delinquent": .bool(!paid && statusID == 3), "auto_pay_attempts": .int(0), "frozen": .bool(k < 2),
                    "late_fee_applied": .bool(false), "late_fee_only": .bool(false), "number_of_months": .int(1),
                    "pending_email": .bool(false), "tax_committed": .bool(true), "void": .bool(false),
                ])
            }
            // Tickets, some with a job.
            let tickets = Int(g.next() % 4)
            for _ in 0..<tickets {
                let opened = stamp(created, now - 3600)
                let status = pick(["OPEN", "OPEN", "CLOSED", "CLOSED", "CLOSED", "PENDING_INTERNAL", "PENDING_EXTERNAL"])
                var t: [String: Cell] = [
                    "subject": .string(pick(ticketSubjects)), "description": .string("Reported by the account holder."),
                    "status": .string(status), "priority": .string(pick(["LOW", "MEDIUM", "MEDIUM", "HIGH", "CRITICAL"])),
                    "ticketable_type": .string("Account"), "ticketable_id": .int(account), "ticket_group_id": .int(int(1...3)),
                    "user_id": .int(int(2...6)), "company_id": .int(1), "is_spam": .bool(false),
                    "global_updated_at": .time(opened),
                ]
                if status == "CLOSED" {
                    t["closed_at"] = .time(stamp(opened, now))
                    t["closed_by_user_id"] = .int(int(2...6))
                }
                if chance(0.3) { t["due_date"] = .string(SonarTime.date(ofSeconds: opened + 7 * 86_400)) }
                let ticket = add("Ticket", opened, t)
                if chance(0.3) {
                    let done = status == "CLOSED"
                    _ = add("Job", opened, [
                        "jobbable_type": .string("Account"), "jobbable_id": .int(account), "ticket_id": .int(ticket),
                        "job_type_id": .int(int(1...4)), "length_in_minutes": .int(pick([30, 60, 90, 120])),
                        "scheduled_datetime": .time(opened + int(1...10) * 86_400), "complete": .bool(done),
                        "completed_successfully": done ? .bool(true) : .null, "completed_by_user_id": done ? .int(3) : .null,
                        "skips_validation": .bool(false),
                    ])
                }
            }
        }
        return data
    }

    /// A row with the columns every Sonar entity has.
    static func makeRow(type: String, id: Int64, seed: UInt64, created: Int64, cells: [String: Cell]) -> Row {
        var all = cells
        all["id"] = .int(id)
        all["sonar_unique_id"] = .string(uniqueID(type: type, id: id, seed: seed))
        all["created_at"] = .time(created)
        all["updated_at"] = .time(created)
        all["_version"] = .string("1")
        return Row(type: type, id: id, cells: all.filter { !$0.value.isNull })
    }

    /// A UUID-shaped id, fixed by seed, type and id.
    static func uniqueID(type: String, id: Int64, seed: UInt64) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in type.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        let a = SplitMix64.mix(seed ^ h, UInt64(bitPattern: id))
        let b = SplitMix64.mix(a, 7)
        func hex(_ v: UInt64, _ n: Int) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, n - s.count)) + s.suffix(n)
        }
        return "\(hex(a >> 32, 8))-\(hex((a >> 16) & 0xFFFF, 4))-4\(hex(a & 0xFFF, 3))-a\(hex(b >> 52, 3))-\(hex(b & 0xFFFF_FFFF_FFFF, 12))"
    }
}
