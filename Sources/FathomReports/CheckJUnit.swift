import FathomXML

/// `fathom check` as JUnit: one testsuite for the collection, one testcase per
/// GraphQL operation (named by its request), failing with every error found in
/// it; warnings and notes go to the testcase's `<system-out>`.
public enum CheckJUnit {
    public struct Operation: Sendable {
        public var requestID: String
        public var requestName: String
        public var errors: [String]
        public var others: [String]
        public init(requestID: String, requestName: String, errors: [String], others: [String]) {
            self.requestID = requestID
            self.requestName = requestName
            self.errors = errors
            self.others = others
        }
    }

    public static func render(collection: String, schema: String, operations: [Operation]) throws(XMLError) -> String {
        let failures = operations.filter { !$0.errors.isEmpty }.count
        let w = try XMLWriter(indent: true)
        try w.startDocument()
        try w.startElement("testsuites")
        try w.attribute("name", collection + " (schema check)")
        try w.attribute("tests", String(operations.count))
        try w.attribute("failures", String(failures))
        try w.attribute("errors", "0")
        try w.attribute("time", "0.000")
        try w.startElement("testsuite")
        try w.attribute("name", "schema check against " + schema)
        try w.attribute("tests", String(operations.count))
        try w.attribute("failures", String(failures))
        try w.attribute("errors", "0")
        try w.attribute("skipped", "0")
        try w.attribute("time", "0.000")
        for op in operations {
            try w.startElement("testcase")
            try w.attribute("name", op.requestName)
            try w.attribute("classname", JUnitReporter.classname(collection: collection, requestID: op.requestID) + ".check")
            try w.attribute("time", "0.000")
            if !op.errors.isEmpty {
                try w.startElement("failure")
                try w.attribute("message", op.errors.count == 1 ? op.errors[0] : "\(op.errors.count) errors; the first: \(op.errors[0])")
                try w.attribute("type", "SchemaError")
                try w.text(op.errors.joined(separator: "\n"))
                try w.endElement()
            }
            if !op.others.isEmpty {
                try w.startElement("system-out")
                try w.text(op.others.joined(separator: "\n"))
                try w.endElement()
            }
            try w.endElement()
        }
        try w.endElement()
        try w.endElement()
        try w.endDocument()
        return w.result()
    }
}
