extension Evaluation {
    /// Builds JSON output; nil means the member is omitted.
    mutating func buildJSON(_ template: Template) -> JSONValue? {
        switch template {
        case .leaf(let expression):
            return evaluate(expression).toJSON()
        case .container(let container):
            if let condition = container.condition, !evaluate(condition).isTruthy { return container.otherwise }
            if let text = container.text { return evaluate(text).toJSON() }
            var object = JSONObject()
            object.entries.reserveCapacity(container.members.count)
            for member in container.members {
                outputPath.append(.key(member.key.display))
                if let value = buildJSON(member.template) { object.append(member.key.display, value) }
                outputPath.removeLast()
            }
            return object.count == 0 ? nil : .object(object)
        case .repeated(let source, let slot, let positionSlot, let body):
            let items = evaluate(source).items
            var array: [JSONValue] = []
            array.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                slots[slot] = item
                slots[positionSlot] = .int(Int64(index + 1))
                outputPath.append(.index(index))
                if let value = buildJSON(body) { array.append(value) }
                outputPath.removeLast()
            }
            return array.isEmpty ? nil : .array(array)
        }
    }

    /// Builds the elements one template yields under `name` (none, one, or one per item).
    mutating func buildElements(_ name: XMLQName, display: String, _ template: Template, into children: inout [XMLTree.Element]) {
        switch template {
        case .leaf(let expression):
            let value = evaluate(expression)
            if case .list(let items) = value {
                for item in items {
                    if let text = item.text { children.append(XMLTree.Element(name: name, text: text)) }
                }
            } else if let text = value.text {
                children.append(XMLTree.Element(name: name, text: text))
            }
        case .container(let container):
            if let condition = container.condition, !evaluate(condition).isTruthy { return }
            var element = XMLTree.Element(name: name)
            element.children.reserveCapacity(container.members.count)
            // Through the buffer, so each member is read in place rather than copied for the loop.
            container.members.withUnsafeBufferPointer { members in
                for index in members.indices {
                    switch members[index].key {
                    case .attribute(let attributeName, let attributeDisplay):
                        outputPath.append(.key(attributeDisplay))
                        if case .leaf(let expression) = members[index].template, let text = evaluate(expression).text {
                            element.attributes.append((attributeName, text))
                        }
                    case .element(let childName, let childDisplay):
                        outputPath.append(.key(childDisplay))
                        buildElements(childName, display: childDisplay, members[index].template, into: &element.children)
                    case .member(let memberName):
                        outputPath.append(.key(memberName))
                    }
                    outputPath.removeLast()
                }
            }
            if let text = container.text { element.text = evaluate(text).text ?? "" }
            if element.text.isEmpty, element.children.isEmpty, element.attributes.isEmpty { return }
            children.append(element)
        case .repeated(let source, let slot, let positionSlot, let body):
            for (index, item) in evaluate(source).items.enumerated() {
                slots[slot] = item
                slots[positionSlot] = .int(Int64(index + 1))
                outputPath.append(.index(index))
                buildElements(name, display: display, body, into: &children)
                outputPath.removeLast()
            }
        }
    }
}
