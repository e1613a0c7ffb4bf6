/// Evaluates one predicate (§6.3) on a selected value. A failed predicate is a
/// result, not an error: the message says what was expected and what was found.
public enum PredicateEvaluator {
    public struct Outcome: Sendable {
        public var passed: Bool
        /// Why it failed, when it did.
        public var message: String?
    }

    /// `actual` nil means *missing*. `textual` subjects (headers, cookies, XPath,
    /// body) hold text, so a numeric operand is compared with the number the text spells.
    public static func evaluate(_ p: PredicateSpec, actual: JSON?, textual: Bool) -> Outcome {
        let pass = Outcome(passed: true, message: nil)
        func fail(_ m: String) -> Outcome { Outcome(passed: false, message: m) }
        guard let actual else {
            if p.kind == .exists, p.operand == .bool(false) { return pass }
            if p.kind.passesOnMissing { return pass }
            return fail("the value is missing (nothing was selected)")
        }
        let op = p.operand
        switch p.kind {
        case .exists:
            return op == .bool(true) ? pass : fail("expected nothing, but a value was selected")
        case .equals:
            return equal(actual, op, textual: textual) ? pass : fail("values differ")
        case .not_equals:
            return equal(actual, op, textual: textual) ? fail("the value equals what it must not") : pass
        case .gt, .gte, .lt, .lte:
            guard let c = compare(actual, op, textual: textual) else {
                return fail("cannot compare \(actual.typeName) with \(op.typeName): '\(p.kind.rawValue)' needs two numbers or two ISO 8601 date-times")
            }
            let ok: Bool
            switch p.kind {
            case .gt: ok = c > 0
            case .gte: ok = c >= 0
            case .lt: ok = c < 0
            default: ok = c <= 0
            }
            return ok ? pass : fail("the value is not \(symbol(p.kind)) \(op.serialized())")
        case .contains, .not_contains:
            guard let found = contains(actual, op) else {
                return fail("'\(p.kind.rawValue)' applies to strings, arrays and objects, not \(actual.typeName)")
            }
            if p.kind == .contains { return found ? pass : fail("not found") }
            return found ? fail("found, but must not be") : pass
        case .starts_with, .ends_with:
            guard case .string(let s) = actual else { return fail("'\(p.kind.rawValue)' applies to strings, not \(actual.typeName)") }
            let needle = op.interpolationText
            let ok = p.kind == .starts_with ? s.hasPrefix(needle) : s.hasSuffix(needle)
            return ok ? pass : fail(p.kind == .starts_with ? "does not start with it" : "does not end with it")
        case .matches, .not_matches:
            let text: String
            switch actual {
            case .string(let s): text = s
            case .integer, .double, .bool: text = actual.serialized()
            default: return fail("'\(p.kind.rawValue)' applies to strings, not \(actual.typeName)")
            }
            guard let pattern = op.stringValue, let m = RegexCache.shared.matches(pattern, text) else {
                return fail("invalid regular expression \(op.serialized())")
            }
            if p.kind == .matches { return m ? pass : fail("does not match") }
            return m ? fail("matches, but must not") : pass
        case .type:
            let name = op.stringValue ?? ""
            return typeMatches(actual, name) ? pass : fail("the value is \(describeType(actual)), not \(name)")
        case .format:
            let name = op.stringValue ?? ""
            guard case .string(let s) = actual else { return fail("'format' applies to strings, not \(actual.typeName)") }
            return Formats.check(name, s) ? pass : fail("not a valid \(name)")
        case .length:
            let n: Int
            switch actual {
            case .string(let s): n = s.count
            case .array(let a): n = a.count
            case .object(let o): n = o.count
            default: return fail("'length' applies to strings, arrays and objects, not \(actual.typeName)")
            }
            if let nested = p.nested {
                for np in nested {
                    let o = evaluate(np, actual: .integer(Int64(n)), textual: false)
                    if !o.passed { return fail("length \(n): \(o.message ?? "")") }
                }
                return pass
            }
            guard let want = op.intValue else { return fail("'length' needs an integer, not \(op.serialized())") }
            return n == want ? pass : fail("length is \(n), expected \(want)")
        case .one_of:
            guard case .array(let options) = op else { return fail("'one_of' needs an array") }
            return options.contains { equal(actual, $0, textual: textual) } ? pass : fail("not one of the allowed values")
        case .empty:
            let isEmpty: Bool
            switch actual {
            case .string(let s): isEmpty = s.isEmpty
            case .array(let a): isEmpty = a.isEmpty
            case .object(let o): isEmpty = o.isEmpty
            case .null: isEmpty = true
            default: return fail("'empty' applies to strings, arrays, objects and null, not \(actual.typeName)")
            }
            return isEmpty == (op.boolValue ?? true) ? pass : fail(isEmpty ? "the value is empty" : "the value is not empty")
        }
    }

    static func symbol(_ k: PredicateKind) -> String {
        switch k {
        case .gt: return ">"
        case .gte: return "≥"
        case .lt: return "<"
        default: return "≤"
        }
    }

    /// Deep equality; text subjects compare with numbers and booleans by their spelling.
    static func equal(_ a: JSON, _ b: JSON, textual: Bool) -> Bool {
        if a == b { return true }
        if textual, case .string(let s) = a {
            switch b {
            case .integer, .double:
                if let d = Double(s.trimmingCharacters(in: .whitespaces)), let bd = b.doubleValue { return d == bd }
            case .bool(let bb): return s == (bb ? "true" : "false")
            default: break
            }
        }
        return false
    }

    /// Three-way comparison of numbers, or of ISO 8601 instants, or nil.
    static func compare(_ a: JSON, _ b: JSON, textual: Bool) -> Int? {
        if let x = a.doubleValue, let y = b.doubleValue { return x < y ? -1 : (x > y ? 1 : 0) }
        if textual, case .string(let s) = a, let y = b.doubleValue, let x = Double(s.trimmingCharacters(in: .whitespaces)) {
            return x < y ? -1 : (x > y ? 1 : 0)
        }
        if case .string(let s) = a, case .string(let t) = b, let x = Formats.parseInstant(s), let y = Formats.parseInstant(t) {
            return x < y ? -1 : (x > y ? 1 : 0)
        }
        return nil
    }

    static func contains(_ a: JSON, _ needle: JSON) -> Bool? {
        switch a {
        case .string(let s): return s.containsText(needle.interpolationText)
        case .array(let items): return items.contains(needle)
        case .object(let o):
            guard case .string(let k) = needle else { return false }
            return o[k] != nil
        default: return nil
        }
    }

    static func typeMatches(_ v: JSON, _ name: String) -> Bool {
        switch name {
        case "string": if case .string = v { return true }
        case "number": return v.isNumber
        case "integer":
            if case .integer = v { return true }
            if case .double(let d) = v { return d.rounded() == d && d.isFinite }
        case "boolean": if case .bool = v { return true }
        case "array": if case .array = v { return true }
        case "object": if case .object = v { return true }
        case "null": return v.isNull
        default: break
        }
        return false
    }

    static func describeType(_ v: JSON) -> String {
        switch v {
        case .integer: return "an integer"
        case .double(let d): return d.rounded() == d ? "an integer" : "a number"
        case .array: return "an array"
        case .object: return "an object"
        case .null: return "null"
        default: return "a \(v.typeName)"
        }
    }
}

import Foundation
