// An sdbus::IObject that forwards everything to a real object, except that
// one method is served by a hand-written callback instead of the one the
// generated adaptor registers.
//
// Why: the generated glue (sdbus-c++-xml2cpp) returns a{sv} as
// std::map<std::string, sdbus::Variant>, and every sdbus::Variant is a D-Bus
// message of its own, built and then copied into the reply. For Rank that
// costs more than the whole bus round trip (measured: ~100 µs for 4 pairs,
// against ~50 µs for Peer.Ping), while DESIGN.md §6 allows Rank 1.25 × Ping.
// So Rank keeps everything the generated glue declares (name, signatures,
// argument names, introspection, flags) and only its body is replaced by one
// that writes the reply directly (wire.hpp, PairWriter).
#pragma once

#include <sdbus-c++/IObject.h>

#include <string>
#include <vector>

namespace multi6d::dbus {

class MethodOverride final : public sdbus::IObject {
  public:
    // `callback` serves `interface_name`.`method_name`; its signatures and
    // parameter names are the ones the generated registration gives.
    MethodOverride(sdbus::IObject& target, std::string interface_name, std::string method_name,
                   sdbus::method_callback callback);

    using sdbus::IObject::emitSignal;
    using sdbus::IObject::registerMethod;
    using sdbus::IObject::registerProperty;
    using sdbus::IObject::registerSignal;
    using sdbus::IObject::setInterfaceFlags;

    // True once the generated registration of the method has been replaced.
    bool replaced() const { return replaced_; }

    void registerMethod(const std::string& interfaceName, std::string methodName,
                        std::string inputSignature, std::string outputSignature,
                        sdbus::method_callback methodCallback, sdbus::Flags flags) override;
    void registerMethod(const std::string& interfaceName, std::string methodName,
                        std::string inputSignature, const std::vector<std::string>& inputNames,
                        std::string outputSignature, const std::vector<std::string>& outputNames,
                        sdbus::method_callback methodCallback, sdbus::Flags flags) override;
    void registerSignal(const std::string& interfaceName, std::string signalName,
                        std::string signature, sdbus::Flags flags) override;
    void registerSignal(const std::string& interfaceName, std::string signalName,
                        std::string signature, const std::vector<std::string>& parameterNames,
                        sdbus::Flags flags) override;
    void registerProperty(const std::string& interfaceName, std::string propertyName,
                          std::string signature, sdbus::property_get_callback getCallback,
                          sdbus::Flags flags) override;
    void registerProperty(const std::string& interfaceName, std::string propertyName,
                          std::string signature, sdbus::property_get_callback getCallback,
                          sdbus::property_set_callback setCallback, sdbus::Flags flags) override;
    void setInterfaceFlags(const std::string& interfaceName, sdbus::Flags flags) override;
    void finishRegistration() override;
    void unregister() override;
    sdbus::Signal createSignal(const std::string& interfaceName,
                               const std::string& signalName) override;
    void emitSignal(const sdbus::Signal& message) override;
    void emitPropertiesChangedSignal(const std::string& interfaceName,
                                     const std::vector<std::string>& propNames) override;
    void emitPropertiesChangedSignal(const std::string& interfaceName) override;
    void emitInterfacesAddedSignal() override;
    void emitInterfacesAddedSignal(const std::vector<std::string>& interfaces) override;
    void emitInterfacesRemovedSignal() override;
    void emitInterfacesRemovedSignal(const std::vector<std::string>& interfaces) override;
    void addObjectManager() override;
    void removeObjectManager() override;
    bool hasObjectManager() const override;
    sdbus::IConnection& getConnection() const override;
    const std::string& getObjectPath() const override;
    const sdbus::Message* getCurrentlyProcessedMessage() const override;

  private:
    sdbus::method_callback& choose(const std::string& interface_name,
                                   const std::string& method_name,
                                   sdbus::method_callback& generated);

    sdbus::IObject& target_;
    std::string interface_name_;
    std::string method_name_;
    sdbus::method_callback callback_;
    bool replaced_ = false;
};

}  // namespace multi6d::dbus
