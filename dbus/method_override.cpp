#include "method_override.hpp"

#include <utility>

namespace multi6d::dbus {

MethodOverride::MethodOverride(sdbus::IObject& target, std::string interface_name,
                               std::string method_name, sdbus::method_callback callback)
    : target_(target),
      interface_name_(std::move(interface_name)),
      method_name_(std::move(method_name)),
      callback_(std::move(callback)) {}

sdbus::method_callback& MethodOverride::choose(const std::string& interface_name,
                                               const std::string& method_name,
                                               sdbus::method_callback& generated) {
    if (interface_name == interface_name_ && method_name == method_name_) {
        replaced_ = true;
        return callback_;
    }
    return generated;
}

void MethodOverride::registerMethod(const std::string& interfaceName, std::string methodName,
                                    std::string inputSignature, std::string outputSignature,
                                    sdbus::method_callback methodCallback, sdbus::Flags flags) {
    sdbus::method_callback& cb = choose(interfaceName, methodName, methodCallback);
    target_.registerMethod(interfaceName, std::move(methodName), std::move(inputSignature),
                           std::move(outputSignature), cb, flags);
}

void MethodOverride::registerMethod(const std::string& interfaceName, std::string methodName,
                                    std::string inputSignature,
                                    const std::vector<std::string>& inputNames,
                                    std::string outputSignature,
                                    const std::vector<std::string>& outputNames,
                                    sdbus::method_callback methodCallback, sdbus::Flags flags) {
    sdbus::method_callback& cb = choose(interfaceName, methodName, methodCallback);
    target_.registerMethod(interfaceName, std::move(methodName), std::move(inputSignature),
                           inputNames, std::move(outputSignature), outputNames, cb, flags);
}

void MethodOverride::registerSignal(const std::string& interfaceName, std::string signalName,
                                    std::string signature, sdbus::Flags flags) {
    target_.registerSignal(interfaceName, std::move(signalName), std::move(signature), flags);
}

void MethodOverride::registerSignal(const std::string& interfaceName, std::string signalName,
                                    std::string signature,
                                    const std::vector<std::string>& parameterNames,
                                    sdbus::Flags flags) {
    target_.registerSignal(interfaceName, std::move(signalName), std::move(signature),
                           parameterNames, flags);
}

void MethodOverride::registerProperty(const std::string& interfaceName, std::string propertyName,
                                      std::string signature,
                                      sdbus::property_get_callback getCallback,
                                      sdbus::Flags flags) {
    target_.registerProperty(interfaceName, std::move(propertyName), std::move(signature),
                             std::move(getCallback), flags);
}

void MethodOverride::registerProperty(const std::string& interfaceName, std::string propertyName,
                                      std::string signature,
                                      sdbus::property_get_callback getCallback,
                                      sdbus::property_set_callback setCallback,
                                      sdbus::Flags flags) {
    target_.registerProperty(interfaceName, std::move(propertyName), std::move(signature),
                             std::move(getCallback), std::move(setCallback), flags);
}

void MethodOverride::setInterfaceFlags(const std::string& interfaceName, sdbus::Flags flags) {
    target_.setInterfaceFlags(interfaceName, flags);
}

void MethodOverride::finishRegistration() {
    target_.finishRegistration();
}

void MethodOverride::unregister() {
    target_.unregister();
}

sdbus::Signal MethodOverride::createSignal(const std::string& interfaceName,
                                           const std::string& signalName) {
    return target_.createSignal(interfaceName, signalName);
}

void MethodOverride::emitSignal(const sdbus::Signal& message) {
    target_.emitSignal(message);
}

void MethodOverride::emitPropertiesChangedSignal(const std::string& interfaceName,
                                                 const std::vector<std::string>& propNames) {
    target_.emitPropertiesChangedSignal(interfaceName, propNames);
}

void MethodOverride::emitPropertiesChangedSignal(const std::string& interfaceName) {
    target_.emitPropertiesChangedSignal(interfaceName);
}

void MethodOverride::emitInterfacesAddedSignal() {
    target_.emitInterfacesAddedSignal();
}

void MethodOverride::emitInterfacesAddedSignal(const std::vector<std::string>& interfaces) {
    target_.emitInterfacesAddedSignal(interfaces);
}

void MethodOverride::emitInterfacesRemovedSignal() {
    target_.emitInterfacesRemovedSignal();
}

void MethodOverride::emitInterfacesRemovedSignal(const std::vector<std::string>& interfaces) {
    target_.emitInterfacesRemovedSignal(interfaces);
}

void MethodOverride::addObjectManager() {
    target_.addObjectManager();
}

void MethodOverride::removeObjectManager() {
    target_.removeObjectManager();
}

bool MethodOverride::hasObjectManager() const {
    return target_.hasObjectManager();
}

sdbus::IConnection& MethodOverride::getConnection() const {
    return target_.getConnection();
}

const std::string& MethodOverride::getObjectPath() const {
    return target_.getObjectPath();
}

const sdbus::Message* MethodOverride::getCurrentlyProcessedMessage() const {
    return target_.getCurrentlyProcessedMessage();
}

}  // namespace multi6d::dbus
