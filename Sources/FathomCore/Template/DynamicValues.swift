import Foundation

/// `{{$guid}}`, `{{$timestamp}}` and Postman's other dynamic variables: a fresh
/// value on each use.
///
/// Values come from the system's random source, or from a seeded SplitMix64 and a
/// frozen clock (`--seed`, `--fixed-time`), so that a run — a `--dry-run` above all —
/// can be repeated byte for byte. The faker-style `$random…` names of Postman are
/// all here; their words come from small built-in lists (Postman draws from
/// faker.js's larger ones), so the values have the same shape, not the same spread.
public final class DynamicValues: Sendable {
    /// The shared instance on the system's random source and clock.
    public static let system = DynamicValues()

    private let generator: Locked<SplitMix64?>
    /// Seconds since 1970 that the clock is frozen at, if it is.
    public let fixedTime: Double?

    public init(seed: UInt64? = nil, fixedTime: Double? = nil) {
        generator = Locked(seed.map { SplitMix64(seed: $0) })
        self.fixedTime = fixedTime
    }

    /// Every name this generator knows, for hints.
    public static var names: [String] { Array(table.keys).sorted() }

    public static func isKnown(_ name: String) -> Bool { table[name] != nil }

    public func value(_ name: String) -> JSON? {
        guard let make = DynamicValues.table[name] else { return nil }
        var context = Context(owner: self)
        return make(&context)
    }

    // MARK: - Randomness

    fileprivate func random(below n: UInt64) -> UInt64 {
        guard n > 0 else { return 0 }
        return generator.withLock { g -> UInt64 in
            if g == nil {
                var system = SystemRandomNumberGenerator()
                return UInt64.random(in: 0..<n, using: &system)
            }
            return UInt64.random(in: 0..<n, using: &g!)
        }
    }

    fileprivate var now: Double { fixedTime ?? Date().timeIntervalSince1970 }

    fileprivate struct Context {
        let owner: DynamicValues
        func int(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + Int(owner.random(below: UInt64(range.upperBound - range.lowerBound + 1)))
        }
        func pick<T>(_ list: [T]) -> T { list[int(0...(list.count - 1))] }
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(int(0...9))) }) }
        func hex(_ n: Int) -> String { String((0..<n).map { _ in Array("0123456789abcdef")[int(0...15)] }) }
        func alnum(_ n: Int) -> String { String((0..<n).map { _ in Array("abcdefghijklmnopqrstuvwxyz0123456789")[int(0...35)] }) }
        func uuid() -> String {
            var bytes = (0..<16).map { _ in UInt8(int(0...255)) }
            bytes[6] = bytes[6] & 0x0F | 0x40
            bytes[8] = bytes[8] & 0x3F | 0x80
            let h = hexEncode(bytes)
            let u = Array(h)
            return String(u[0..<8]) + "-" + String(u[8..<12]) + "-" + String(u[12..<16]) + "-" + String(u[16..<20]) + "-" + String(u[20..<32])
        }
        var now: Double { owner.now }
        func iso(_ seconds: Double) -> String { CivilDate.iso8601(millisecondsSince1970: Int64((seconds * 1000).rounded(.down))) }
        func words(_ n: Int) -> String { (0..<n).map { _ in pick(W.lorem) }.joined(separator: " ") }
        func sentence() -> String {
            let s = words(int(5...10))
            return s.prefix(1).uppercased() + s.dropFirst() + "."
        }
        func paragraph() -> String { (0..<3).map { _ in sentence() }.joined(separator: " ") }
        func firstName() -> String { pick(W.firstNames) }
        func lastName() -> String { pick(W.lastNames) }
        func domainWord() -> String { (pick(W.adjectives) + "-" + pick(W.nouns)).lowercased() }
    }

    private typealias Maker = @Sendable (inout Context) -> JSON

    private static let table: [String: Maker] = {
        var t: [String: Maker] = [:]
        func s(_ name: String, _ f: @escaping @Sendable (inout Context) -> String) { t[name] = { .string(f(&$0)) } }
        t["$guid"] = { .string($0.uuid()) }
        t["$uuid"] = { .string($0.uuid()) }
        t["$randomUUID"] = { .string($0.uuid()) }
        t["$timestamp"] = { .integer(Int64($0.now.rounded(.down))) }
        t["$isoTimestamp"] = { .string($0.iso($0.now)) }
        t["$randomInt"] = { .integer(Int64($0.int(0...1000))) }
        t["$randomBoolean"] = { .bool($0.int(0...1) == 1) }
        s("$randomPhoneNumber") { "\($0.int(2...9))\($0.digits(2))-\($0.int(2...9))\($0.digits(2))-\($0.digits(4))" }
        s("$randomPhoneNumberExt") { "\($0.digits(2))-\($0.int(2...9))\($0.digits(2))-\($0.int(2...9))\($0.digits(2))-\($0.digits(4))" }
        s("$randomLocale") { $0.pick(W.locales) }
        s("$randomWords") { $0.words($0.int(2...5)) }
        s("$randomFilePath") { $0.pick(W.directories) + "/" + $0.pick(W.lorem) + "." + $0.pick(W.extensions) }
        s("$randomDirectoryPath") { $0.pick(W.directories) }
        s("$randomCity") { $0.pick(W.cities) }
        s("$randomStreetName") { $0.pick(W.lastNames) + " " + $0.pick(W.streetSuffixes) }
        s("$randomStreetAddress") { "\($0.int(1...9999)) " + $0.pick(W.lastNames) + " " + $0.pick(W.streetSuffixes) }
        s("$randomCountry") { $0.pick(W.countries).0 }
        s("$randomCountryCode") { $0.pick(W.countries).1 }
        s("$randomLatitude") { String(format: "%.4f", Double($0.int(-900_000...900_000)) / 10_000) }
        s("$randomLongitude") { String(format: "%.4f", Double($0.int(-1_800_000...1_800_000)) / 10_000) }
        s("$randomColor") { $0.pick(W.colors) }
        s("$randomDepartment") { $0.pick(W.departments) }
        s("$randomProductName") { $0.pick(W.adjectives) + " " + $0.pick(W.materials) + " " + $0.pick(W.products) }
        s("$randomProductAdjective") { $0.pick(W.adjectives) }
        s("$randomProductMaterial") { $0.pick(W.materials) }
        s("$randomProduct") { $0.pick(W.products) }
        s("$randomCompanyName") { $0.lastName() + " " + $0.pick(W.companySuffixes) }
        s("$randomCompanySuffix") { $0.pick(W.companySuffixes) }
        s("$randomCatchPhrase") { $0.pick(W.adjectives) + " " + $0.pick(W.buzzDescriptors) + " " + $0.pick(W.buzzNouns) }
        s("$randomBs") { $0.pick(W.bsVerbs) + " " + $0.pick(W.bsAdjectives) + " " + $0.pick(W.buzzNouns) }
        s("$randomCatchPhraseAdjective") { $0.pick(W.adjectives) }
        s("$randomCatchPhraseDescriptor") { $0.pick(W.buzzDescriptors) }
        s("$randomCatchPhraseNoun") { $0.pick(W.buzzNouns) }
        s("$randomBsAdjective") { $0.pick(W.bsAdjectives) }
        s("$randomBsBuzz") { $0.pick(W.bsVerbs) }
        s("$randomBsNoun") { $0.pick(W.buzzNouns) }
        s("$randomDatabaseColumn") { $0.pick(W.dbColumns) }
        s("$randomDatabaseType") { $0.pick(W.dbTypes) }
        s("$randomDatabaseCollation") { $0.pick(W.dbCollations) }
        s("$randomDatabaseEngine") { $0.pick(W.dbEngines) }
        s("$randomDatePast") { c in c.iso(c.now - Double(c.int(86_400...31_536_000))) }
        s("$randomDateFuture") { c in c.iso(c.now + Double(c.int(86_400...31_536_000))) }
        s("$randomDateRecent") { c in c.iso(c.now - Double(c.int(60...86_400))) }
        s("$randomMonth") { $0.pick(W.months) }
        s("$randomWeekday") { $0.pick(W.weekdays) }
        s("$randomBankAccount") { $0.digits(8) }
        s("$randomBankAccountName") { $0.pick(W.accountTypes) + " Account" }
        s("$randomCreditCardMask") { $0.digits(4) }
        s("$randomPrice") { c in "\(c.int(0...999)).\(c.digits(2))" }
        s("$randomTransactionType") { $0.pick(W.transactionTypes) }
        s("$randomCurrencyCode") { $0.pick(W.currencies).0 }
        s("$randomCurrencyName") { $0.pick(W.currencies).1 }
        s("$randomCurrencySymbol") { $0.pick(W.currencies).2 }
        s("$randomBitcoin") { c in "1" + String((0..<33).map { _ in Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")[c.int(0...57)] }) }
        s("$randomBankAccountIban") { c in c.pick(W.countries).1 + c.digits(2) + c.alnum(4).uppercased() + c.digits(14) }
        s("$randomBankAccountBic") { c in String((0..<4).map { _ in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")[c.int(0...25)] }) + c.pick(W.countries).1 + c.alnum(2).uppercased() }
        s("$randomAbbreviation") { $0.pick(W.abbreviations) }
        s("$randomAdjective") { $0.pick(W.adjectives).lowercased() }
        s("$randomNoun") { $0.pick(W.nouns) }
        s("$randomVerb") { $0.pick(W.verbs) }
        s("$randomIngverb") { $0.pick(W.verbs) + "ing" }
        s("$randomPhrase") { c in "If we \(c.pick(W.verbs)) the \(c.pick(W.nouns)), we can get to the \(c.pick(W.abbreviations)) \(c.pick(W.nouns)) through the \(c.pick(W.adjectives).lowercased()) \(c.pick(W.nouns))!" }
        for kind in ["Avatar", "Abstract", "Animals", "Business", "Cats", "City", "Food", "Nightlife", "Fashion", "People", "Nature", "Sports", "Transport"] {
            let path = kind.lowercased()
            s(kind == "Avatar" ? "$randomAvatarImage" : "$random\(kind)Image") { c in "http://placeimg.com/640/480/\(path)?\(c.digits(4))" }
        }
        s("$randomImageUrl") { c in "http://placeimg.com/640/480?\(c.digits(4))" }
        s("$randomImageDataUri") { _ in "data:image/svg+xml;charset=UTF-8,%3Csvg%20xmlns%3D%22http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg%22%20width%3D%22640%22%20height%3D%22480%22%2F%3E" }
        s("$randomEmail") { c in "\(c.firstName()).\(c.lastName())\(c.int(1...99))@\(c.pick(W.freeEmail))".lowercased() }
        s("$randomExampleEmail") { c in "\(c.firstName()).\(c.lastName())\(c.int(1...99))@example.\(c.pick(["com", "net", "org"]))".lowercased() }
        s("$randomUserName") { c in "\(c.firstName()).\(c.lastName())\(c.int(1...99))" }
        s("$randomProtocol") { $0.pick(["http", "https"]) }
        s("$randomUrl") { c in "\(c.pick(["http", "https"]))://\(c.domainWord()).\(c.pick(W.domainSuffixes))" }
        s("$randomDomainName") { c in "\(c.domainWord()).\(c.pick(W.domainSuffixes))" }
        s("$randomDomainSuffix") { $0.pick(W.domainSuffixes) }
        s("$randomDomainWord") { $0.domainWord() }
        s("$randomIP") { c in "\(c.int(1...254)).\(c.int(0...255)).\(c.int(0...255)).\(c.int(1...254))" }
        s("$randomIPV6") { c in (0..<8).map { _ in c.hex(4) }.joined(separator: ":") }
        s("$randomUserAgent") { c in "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.\(c.int(1...36)) (KHTML, like Gecko) Chrome/\(c.int(90...130)).0.\(c.int(1000...6000)).\(c.int(10...200)) Safari/537.36" }
        s("$randomHexColor") { "#" + $0.hex(6) }
        s("$randomMACAddress") { c in (0..<6).map { _ in c.hex(2) }.joined(separator: ":") }
        s("$randomPassword") { $0.alnum(15) }
        s("$randomLoremWord") { $0.pick(W.lorem) }
        s("$randomLoremWords") { $0.words(3) }
        s("$randomLoremSentence") { $0.sentence() }
        s("$randomLoremSlug") { $0.words(3).replacingOccurrences(of: " ", with: "-") }
        s("$randomLoremSentences") { c in (0..<c.int(2...6)).map { _ in c.sentence() }.joined(separator: " ") }
        s("$randomLoremParagraph") { $0.paragraph() }
        s("$randomLoremParagraphs") { c in (0..<3).map { _ in c.paragraph() }.joined(separator: "\n \r") }
        s("$randomLoremText") { $0.paragraph() }
        s("$randomLoremLines") { c in (0..<c.int(1...5)).map { _ in c.sentence() }.joined(separator: "\n") }
        s("$randomFirstName") { $0.firstName() }
        s("$randomLastName") { $0.lastName() }
        s("$randomFullName") { $0.firstName() + " " + $0.lastName() }
        s("$randomJobTitle") { c in c.pick(W.jobDescriptors) + " " + c.pick(W.jobAreas) + " " + c.pick(W.jobTypes) }
        s("$randomNamePrefix") { $0.pick(["Mr.", "Mrs.", "Ms.", "Miss", "Dr."]) }
        s("$randomNameSuffix") { $0.pick(["Jr.", "Sr.", "I", "II", "III", "IV", "V", "MD", "DDS", "PhD", "DVM"]) }
        s("$randomJobDescriptor") { $0.pick(W.jobDescriptors) }
        s("$randomJobArea") { $0.pick(W.jobAreas) }
        s("$randomJobType") { $0.pick(W.jobTypes) }
        s("$randomWord") { $0.pick(W.nouns) }
        s("$randomAlphaNumeric") { $0.alnum(1) }
        s("$randomFileName") { $0.pick(W.lorem) + "_" + $0.pick(W.lorem) + "." + $0.pick(W.extensions) }
        s("$randomCommonFileName") { $0.pick(W.lorem) + "." + $0.pick(["pdf", "mp4", "png", "jpeg", "wav", "html", "txt"]) }
        s("$randomMimeType") { $0.pick(W.mimeTypes).0 }
        s("$randomCommonFileType") { $0.pick(["audio", "image", "text", "video", "application"]) }
        s("$randomCommonFileExt") { $0.pick(["pdf", "mp4", "png", "jpeg", "wav", "html", "txt"]) }
        s("$randomFileType") { $0.pick(W.mimeTypes).0.components(separatedBy: "/")[0] }
        s("$randomFileExt") { $0.pick(W.extensions) }
        s("$randomSemver") { c in "\(c.int(0...9)).\(c.int(0...20)).\(c.int(0...50))" }
        return t
    }()
}

/// The word lists the `$random…` values draw from.
private enum W {
    static let firstNames = ["Ada", "Alan", "Grace", "Linus", "Barbara", "Dennis", "Margaret", "Ken", "Frances", "Edsger", "Radia", "Tim", "Hedy", "Donald", "Katherine", "Niklaus", "Sophie", "John", "Mary", "James", "Elena", "Omar", "Priya", "Kenji", "Amara", "Lucas", "Ingrid", "Mateo", "Zara", "Noah"]
    static let lastNames = ["Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Ritchie", "Hamilton", "Thompson", "Allen", "Dijkstra", "Perlman", "Berners", "Lamarr", "Knuth", "Johnson", "Wirth", "Wilson", "Smith", "Garcia", "Nguyen", "Okafor", "Patel", "Tanaka", "Silva", "Larsen", "Moreau", "Kowalski", "Haddad", "Brown", "Murphy"]
    static let cities = ["Springfield", "Riverton", "Lakewood", "Fairview", "Greenville", "Madison", "Georgetown", "Clinton", "Franklin", "Salem", "Bristol", "Ashland", "Oakland", "Milton", "Dover"]
    static let streetSuffixes = ["Street", "Avenue", "Road", "Lane", "Drive", "Court", "Place", "Boulevard", "Way", "Terrace"]
    static let countries: [(String, String)] = [("Canada", "CA"), ("United States of America", "US"), ("Mexico", "MX"), ("Brazil", "BR"), ("United Kingdom", "GB"), ("France", "FR"), ("Germany", "DE"), ("Spain", "ES"), ("Italy", "IT"), ("Netherlands", "NL"), ("Sweden", "SE"), ("Poland", "PL"), ("India", "IN"), ("Japan", "JP"), ("Australia", "AU"), ("New Zealand", "NZ"), ("South Africa", "ZA"), ("Kenya", "KE"), ("Egypt", "EG"), ("Argentina", "AR")]
    static let colors = ["red", "orange", "yellow", "green", "blue", "indigo", "violet", "purple", "teal", "cyan", "magenta", "lime", "olive", "maroon", "navy", "silver", "gold", "white", "black", "grey"]
    static let departments = ["Books", "Movies", "Music", "Games", "Electronics", "Computers", "Home", "Garden", "Tools", "Grocery", "Health", "Beauty", "Toys", "Kids", "Baby", "Clothing", "Shoes", "Jewelry", "Sports", "Outdoors", "Automotive", "Industrial"]
    static let adjectives = ["Small", "Ergonomic", "Rustic", "Intelligent", "Gorgeous", "Incredible", "Fantastic", "Practical", "Sleek", "Awesome", "Generic", "Handcrafted", "Handmade", "Licensed", "Refined", "Unbranded", "Tasty", "Robust", "Seamless", "Focused"]
    static let materials = ["Steel", "Wooden", "Concrete", "Plastic", "Cotton", "Granite", "Rubber", "Metal", "Soft", "Fresh", "Frozen"]
    static let products = ["Chair", "Car", "Computer", "Keyboard", "Mouse", "Bike", "Ball", "Gloves", "Pants", "Shirt", "Table", "Shoes", "Hat", "Towels", "Soap", "Tuna", "Chicken", "Fish", "Cheese", "Bacon", "Pizza", "Salad", "Sausages", "Chips"]
    static let companySuffixes = ["Inc", "and Sons", "LLC", "Group"]
    static let buzzDescriptors = ["multi-tasking", "next generation", "24/7", "high-level", "fault-tolerant", "mission-critical", "bottom-line", "client-server", "dynamic", "zero tolerance", "scalable", "value-added"]
    static let buzzNouns = ["ability", "access", "algorithm", "application", "architecture", "bandwidth", "capability", "database", "flexibility", "framework", "hierarchy", "interface", "matrix", "methodology", "middleware", "paradigm", "protocol", "solution", "synergy", "throughput"]
    static let bsVerbs = ["implement", "utilize", "integrate", "streamline", "optimize", "evolve", "transform", "embrace", "enable", "orchestrate", "leverage", "reinvent", "aggregate", "architect", "enhance", "incentivize"]
    static let bsAdjectives = ["clicks-and-mortar", "value-added", "vertical", "proactive", "robust", "revolutionary", "scalable", "leading-edge", "innovative", "intuitive", "strategic", "e-business", "mission-critical", "sticky", "one-to-one", "24/7"]
    static let dbColumns = ["id", "title", "name", "email", "phone", "token", "group", "category", "password", "comment", "avatar", "status", "createdAt", "updatedAt"]
    static let dbTypes = ["int", "varchar", "text", "date", "datetime", "tinyint", "time", "timestamp", "smallint", "mediumint", "bigint", "decimal", "float", "double", "real", "bit", "boolean", "serial", "blob", "binary", "enum", "set", "geometry", "point"]
    static let dbCollations = ["utf8_unicode_ci", "utf8_general_ci", "utf8_bin", "ascii_bin", "ascii_general_ci", "cp1250_bin", "cp1250_general_ci"]
    static let dbEngines = ["InnoDB", "MyISAM", "MEMORY", "CSV", "BLACKHOLE", "ARCHIVE"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let accountTypes = ["Checking", "Savings", "Money Market", "Investment", "Home Loan", "Credit Card", "Auto Loan", "Personal Loan"]
    static let transactionTypes = ["deposit", "withdrawal", "payment", "invoice"]
    static let currencies: [(String, String, String)] = [("USD", "US Dollar", "$"), ("EUR", "Euro", "€"), ("GBP", "Pound Sterling", "£"), ("JPY", "Yen", "¥"), ("CAD", "Canadian Dollar", "$"), ("AUD", "Australian Dollar", "$"), ("CHF", "Swiss Franc", "CHF"), ("INR", "Indian Rupee", "₹"), ("BRL", "Brazilian Real", "R$"), ("SEK", "Swedish Krona", "kr")]
    static let abbreviations = ["ADP", "AGP", "AI", "API", "ASCII", "CSS", "COM", "EXE", "FTP", "GB", "HDD", "HEX", "HTTP", "IB", "IP", "JBOD", "JSON", "OCR", "PCI", "PNG", "RAM", "RSS", "SAS", "SCSI", "SDD", "SMS", "SMTP", "SQL", "SSD", "SSL", "TCP", "THX", "TLS", "UDP", "USB", "UTF8", "XML", "XSS"]
    static let nouns = ["driver", "protocol", "bandwidth", "panel", "microchip", "program", "port", "card", "array", "interface", "system", "sensor", "firewall", "hard drive", "pixel", "alarm", "feed", "monitor", "application", "transmitter", "bus", "circuit", "capacitor", "matrix"]
    static let verbs = ["back up", "bypass", "hack", "override", "compress", "copy", "navigate", "index", "connect", "generate", "quantify", "calculate", "synthesize", "input", "transmit", "program", "reboot", "parse"]
    static let lorem = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do", "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim", "minim", "veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi", "aliquip", "commodo"]
    static let locales = ["af", "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fr", "ga", "gl", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "ko", "lt", "lv", "mk", "ms", "mt", "nb", "nl", "nn", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "sw", "ta", "th", "tr", "uk", "ur", "vi", "zh", "zu"]
    static let directories = ["/bin", "/boot", "/dev", "/etc", "/home", "/home/user", "/lib", "/media", "/mnt", "/opt", "/proc", "/root", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/share", "/var", "/var/log", "/var/tmp"]
    static let extensions = ["txt", "json", "xml", "csv", "pdf", "png", "jpg", "gif", "mp3", "mp4", "zip", "gz", "html", "css", "js", "md"]
    static let mimeTypes: [(String, String)] = [("application/json", "json"), ("application/xml", "xml"), ("application/pdf", "pdf"), ("application/zip", "zip"), ("audio/mpeg", "mp3"), ("audio/wav", "wav"), ("image/png", "png"), ("image/jpeg", "jpeg"), ("image/gif", "gif"), ("text/plain", "txt"), ("text/html", "html"), ("text/csv", "csv"), ("video/mp4", "mp4")]
    static let freeEmail = ["gmail.com", "yahoo.com", "hotmail.com"]
    static let domainSuffixes = ["com", "net", "org", "biz", "info", "name", "io", "dev"]
    static let jobDescriptors = ["Lead", "Senior", "Direct", "Corporate", "Dynamic", "Future", "Product", "National", "Regional", "District", "Central", "Global", "Customer", "Investor", "Internal", "International", "Legacy", "Forward", "Principal"]
    static let jobAreas = ["Solutions", "Program", "Brand", "Security", "Research", "Marketing", "Directives", "Implementation", "Integration", "Functionality", "Response", "Paradigm", "Tactics", "Identity", "Markets", "Group", "Division", "Applications", "Optimization", "Operations", "Infrastructure", "Intranet", "Communications", "Web", "Quality", "Assurance", "Mobility", "Accounts", "Data", "Creative", "Configuration", "Interactions", "Factors", "Usability", "Metrics"]
    static let jobTypes = ["Supervisor", "Associate", "Executive", "Liaison", "Officer", "Manager", "Engineer", "Specialist", "Director", "Coordinator", "Administrator", "Architect", "Analyst", "Designer", "Planner", "Orchestrator", "Technician", "Developer", "Producer", "Consultant", "Assistant", "Facilitator", "Agent", "Representative", "Strategist"]
}
