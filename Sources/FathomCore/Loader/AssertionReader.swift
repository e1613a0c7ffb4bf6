import Foundation

/// Reads assertions (§6.1–6.3) and captures (§6.4), checking operands that are
/// not templates: JSONPath and regular expressions compile, types and formats exist.
enum AssertionReader {
    static let typeNames = ["string", "number", "integer", "boolean", "array", "object", "null"]
    static let formatNames = ["uuid", "iso8601", "date", "email", "ipv4", "ipv6", "cidr"]
    /// The keys an assertion object may have.
    static let allowedKeys = AssertionSpec.Subject.allKeys + PredicateKind.allNames + ["name"]

    static func read(_ value: JSON, at pointer: String, checker: inout FileChecker) -> AssertionSpec? {
        guard case .object(let o) = value else {
            checker.error(pointer, "an assertion must be an object such as {\"status\": 200}, not \(value.typeName)", atValue: true)
            return nil
        }
        // Read for every assertion of every request file, at load and again at its
        // turn: no arrays made for the keys (members are walked in place).
        var subjects: [String] = []
        for (k, _) in o.members where AssertionSpec.Subject.allKeys.contains(k) { subjects.append(k) }
        checker.checkKeys(o, at: pointer, allowed: allowedKeys, what: "predicate")
        guard subjects.count == 1, let key = subjects.first, let subjectValue = o[key] else {
            if subjects.isEmpty {
                checker.error(pointer, "the assertion has no subject; give one of: " + AssertionSpec.Subject.allKeys.joined(separator: ", "), atValue: true)
            } else {
                checker.error(pointer + "/" + subjects[1], "an assertion has one subject; found \(subjects.joined(separator: " and ")). Split it into separate assertions")
            }
            return nil
        }
        let name = checker.string(o["name"], at: pointer + "/name", field: "name")
        let sp = pointer + "/" + key
        var predicates: [PredicateSpec] = []
        let subject: AssertionSpec.Subject
        switch key {
        case "path", "header", "cookie", "xpath":
            guard let sel = checker.string(subjectValue, at: sp, field: key) else { return nil }
            if key == "path" { checkJSONPath(sel, at: sp, checker: &checker) }
            subject = key == "path" ? .path(sel) : key == "header" ? .header(sel) : key == "cookie" ? .cookie(sel) : .xpath(sel)
            for (pk, operand) in o.members {
                guard let kind = PredicateKind(rawValue: pk) else { continue }
                if let p = readPredicate(kind, operand, at: pointer + "/" + pk, checker: &checker) { predicates.append(p) }
            }
            if predicates.isEmpty, !o.members.contains(where: { PredicateKind(rawValue: $0.key) != nil }) {
                predicates.append(PredicateSpec(kind: .exists, operand: .bool(true)))
            }
        default:
            subject = key == "status" ? .status : key == "duration_ms" ? .durationMs : key == "size_bytes" ? .sizeBytes : .body
            for (pk, _) in o.members where PredicateKind(rawValue: pk) != nil {
                checker.error(pointer + "/" + pk, "'\(key)' takes its predicates inside its own value, e.g. {\"\(key)\": {\"\(pk)\": ...}}")
            }
            if case .object(let po) = subjectValue {
                checker.checkKeys(po, at: sp, allowed: PredicateKind.allNames, what: "predicate")
                for (pk, operand) in po.members {
                    guard let kind = PredicateKind(rawValue: pk) else { continue }
                    if let p = readPredicate(kind, operand, at: sp + "/" + jsonPointerEscape(pk), checker: &checker) { predicates.append(p) }
                }
                if po.isEmpty { checker.error(sp, "the predicate object is empty; give at least one predicate such as {\"equals\": ...}", atValue: true) }
            } else {
                if key != "body", !subjectValue.isNumber, !FileChecker.isWholeTemplate(subjectValue) {
                    checker.error(sp, "'\(key)' takes a number or a predicate object such as {\"lt\": 500}, not \(subjectValue.typeName)", atValue: true)
                }
                predicates.append(PredicateSpec(kind: .equals, operand: subjectValue))
            }
        }
        return AssertionSpec(subject: subject, predicates: predicates, name: name, pointer: pointer)
    }

    static func readPredicate(_ kind: PredicateKind, _ operand: JSON, at pointer: String, checker: inout FileChecker) -> PredicateSpec? {
        if FileChecker.isWholeTemplate(operand) { return PredicateSpec(kind: kind, operand: operand) }
        func need(_ ok: Bool, _ what: String) -> Bool {
            if !ok { checker.error(pointer, "'\(kind.rawValue)' takes \(what), not \(operand.typeName) \(operand.serialized())", atValue: true) }
            return ok
        }
        switch kind {
        case .exists, .empty:
            guard need(operand.boolValue != nil, "true or false") else { return nil }
        case .gt, .gte, .lt, .lte:
            guard need(operand.isNumber || operand.stringValue != nil, "a number or an ISO 8601 date-time string") else { return nil }
        case .starts_with, .ends_with:
            guard need(operand.stringValue != nil, "a string") else { return nil }
        case .matches, .not_matches:
            guard need(operand.stringValue != nil, "a regular expression string") else { return nil }
            if let re = operand.stringValue, !re.hasTemplateMarker {
                if let problem = RegexCache.shared.problem(re) {
                    checker.error(pointer, "invalid regular expression \"\(re)\": \(problem)", atValue: true)
                    return nil
                }
            }
        case .type:
            guard need(operand.stringValue != nil, "a type name") else { return nil }
            if let t = operand.stringValue, !typeNames.contains(t), !t.hasTemplateMarker {
                var msg = "unknown type '\(t)'"
                if let s = closestMatch(to: t, in: typeNames) { msg += " (did you mean '\(s)'?)" } else { msg += "; expected one of: " + typeNames.joined(separator: ", ") }
                checker.error(pointer, msg, atValue: true)
                return nil
            }
        case .format:
            guard need(operand.stringValue != nil, "a format name") else { return nil }
            if let f = operand.stringValue, !formatNames.contains(f), !f.hasTemplateMarker {
                var msg = "unknown format '\(f)'"
                if let s = closestMatch(to: f, in: formatNames) { msg += " (did you mean '\(s)'?)" } else { msg += "; expected one of: " + formatNames.joined(separator: ", ") }
                checker.error(pointer, msg, atValue: true)
                return nil
            }
        case .one_of:
            guard need(operand.arrayValue != nil, "an array of allowed values") else { return nil }
        case .length:
            if case .object(let po) = operand {
                checker.checkKeys(po, at: pointer, allowed: PredicateKind.allNames, what: "predicate")
                var nested: [PredicateSpec] = []
                for (pk, v) in po.members {
                    guard let k = PredicateKind(rawValue: pk) else { continue }
                    if let p = readPredicate(k, v, at: pointer + "/" + jsonPointerEscape(pk), checker: &checker) { nested.append(p) }
                }
                if po.isEmpty { checker.error(pointer, "'length' needs a number or a predicate object such as {\"gte\": 1}", atValue: true) }
                return PredicateSpec(kind: .length, operand: operand, nested: nested)
            }
            guard need(operand.intValue != nil || operand.stringValue?.hasTemplateMarker == true, "a non-negative integer or a predicate object such as {\"gte\": 1}") else { return nil }
        case .equals, .not_equals, .contains, .not_contains:
            break
        }
        return PredicateSpec(kind: kind, operand: operand)
    }

    static func checkJSONPath(_ text: String, at pointer: String, checker: inout FileChecker) {
        guard !text.hasTemplateMarker else { return }
        do {
            _ = try JSONPathCache.shared.compile(text)
        } catch {
            checker.error(pointer, "invalid JSONPath \"\(text)\": \(error.description)", atValue: true)
        }
    }

    static let captureSelectors = ["path", "header", "cookie", "regex", "xpath"]

    static func readCapture(name: String, _ value: JSON, at pointer: String, checker: inout FileChecker) -> CaptureSpec? {
        if case .string(let path) = value {
            checkJSONPath(path, at: pointer, checker: &checker)
            return CaptureSpec(name: name, selector: .path(path), defaultValue: nil, secret: false, pointer: pointer)
        }
        guard case .object(let o) = value else {
            checker.error(pointer, "a capture is a JSONPath string or an object such as {\"header\": \"Location\"}, not \(value.typeName)", atValue: true)
            return nil
        }
        checker.checkKeys(o, at: pointer, allowed: captureSelectors + ["default", "secret"], what: "capture key")
        let sels = o.keys.filter { captureSelectors.contains($0) }
        guard sels.count == 1, let key = sels.first else {
            checker.error(pointer, sels.isEmpty
                ? "capture '\(name)' needs a selector: one of \(captureSelectors.joined(separator: ", "))"
                : "capture '\(name)' has several selectors (\(sels.joined(separator: ", "))); give exactly one", atValue: true)
            return nil
        }
        guard let sel = checker.string(o[key], at: pointer + "/" + key, field: key) else { return nil }
        var secret = false
        if let s = o["secret"] {
            if let b = s.boolValue { secret = b } else { checker.error(pointer + "/secret", "'secret' must be true or false", atValue: true) }
        }
        let selector: CaptureSpec.Selector
        switch key {
        case "path":
            checkJSONPath(sel, at: pointer + "/path", checker: &checker)
            selector = .path(sel)
        case "header": selector = .header(sel)
        case "cookie": selector = .cookie(sel)
        case "xpath": selector = .xpath(sel)
        default:
            if !sel.hasTemplateMarker {
                if let problem = RegexCache.shared.problem(sel) {
                    checker.error(pointer + "/regex", "invalid regular expression \"\(sel)\": \(problem)", atValue: true)
                    return nil
                }
                if let re = RegexCache.shared.regex(sel), re.numberOfCaptureGroups != 1 {
                    checker.error(pointer + "/regex", "a capture regex needs exactly one group (…), found \(re.numberOfCaptureGroups)", atValue: true)
                    return nil
                }
            }
            selector = .regex(sel)
        }
        return CaptureSpec(name: name, selector: selector, defaultValue: o["default"], secret: secret, pointer: pointer)
    }
}
