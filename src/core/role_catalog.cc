#include "core/role_catalog.h"

#include <string>
#include <utility>

namespace pim {
namespace {

// Display names, descriptions and allowedResourceActions follow Microsoft's "Microsoft Entra
// built-in roles" reference (permissions-reference). Every listed action is documented for its
// role; the long tables (Global Administrator, Global Reader, Security Administrator, Application
// Administrator, ...) are abridged to their principal entries rather than copied in full.

RoleDefinition MakeRole(const char* id, std::string display_name, std::string description,
                        std::vector<std::string> actions) {
  RoleDefinition role;
  role.id = id;
  role.template_id = id;
  role.display_name = std::move(display_name);
  role.description = std::move(description);
  role.is_built_in = true;
  role.is_enabled = true;
  role.version = "1";
  role.resource_scopes = {"/"};
  RolePermission permission;
  permission.allowed_resource_actions = std::move(actions);
  role.role_permissions.push_back(std::move(permission));
  return role;
}

RoleDefinition GlobalAdministrator() {
  return MakeRole(
      role_ids::kGlobalAdministrator, "Global Administrator",
      "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft "
      "Entra identities.",
      {
          "microsoft.azure.advancedThreatProtection/allEntities/allTasks",
          "microsoft.azure.informationProtection/allEntities/allTasks",
          "microsoft.azure.serviceHealth/allEntities/allTasks",
          "microsoft.azure.supportTickets/allEntities/allTasks",
          "microsoft.commerce.billing/allEntities/allProperties/allTasks",
          "microsoft.directory/accessReviews/allProperties/allTasks",
          "microsoft.directory/accessReviews/definitions/allProperties/allTasks",
          "microsoft.directory/adminConsentRequestPolicy/allProperties/allTasks",
          "microsoft.directory/administrativeUnits/allProperties/allTasks",
          "microsoft.directory/applications/allProperties/allTasks",
          "microsoft.directory/applicationTemplates/instantiate",
          "microsoft.directory/auditLogs/allProperties/read",
          "microsoft.directory/authorizationPolicy/allProperties/allTasks",
          "microsoft.directory/bitlockerKeys/key/read",
          "microsoft.directory/cloudAppSecurity/allProperties/allTasks",
          "microsoft.directory/conditionalAccessPolicies/allProperties/allTasks",
          "microsoft.directory/contacts/allProperties/allTasks",
          "microsoft.directory/contracts/allProperties/allTasks",
          "microsoft.directory/customAuthenticationExtensions/allProperties/allTasks",
          "microsoft.directory/deletedItems/delete",
          "microsoft.directory/deletedItems/restore",
          "microsoft.directory/devices/allProperties/allTasks",
          "microsoft.directory/directoryRoles/allProperties/allTasks",
          "microsoft.directory/directoryRoleTemplates/allProperties/allTasks",
          "microsoft.directory/domains/allProperties/allTasks",
          "microsoft.directory/entitlementManagement/allProperties/allTasks",
          "microsoft.directory/groups/allProperties/allTasks",
          "microsoft.directory/groupsAssignableToRoles/allProperties/update",
          "microsoft.directory/groupsAssignableToRoles/create",
          "microsoft.directory/groupsAssignableToRoles/delete",
          "microsoft.directory/groupSettings/allProperties/allTasks",
          "microsoft.directory/groupSettingTemplates/allProperties/allTasks",
          "microsoft.directory/identityProtection/allProperties/allTasks",
          "microsoft.directory/lifecycleWorkflows/workflows/allProperties/allTasks",
          "microsoft.directory/loginOrganizationBranding/allProperties/allTasks",
          "microsoft.directory/oAuth2PermissionGrants/allProperties/allTasks",
          "microsoft.directory/organization/allProperties/allTasks",
          "microsoft.directory/policies/allProperties/allTasks",
          "microsoft.directory/privilegedIdentityManagement/allProperties/read",
          "microsoft.directory/provisioningLogs/allProperties/read",
          "microsoft.directory/roleAssignments/allProperties/allTasks",
          "microsoft.directory/roleDefinitions/allProperties/allTasks",
          "microsoft.directory/scopedRoleMemberships/allProperties/allTasks",
          "microsoft.directory/serviceAction/activateService",
          "microsoft.directory/serviceAction/disableDirectoryFeature",
          "microsoft.directory/serviceAction/enableDirectoryFeature",
          "microsoft.directory/serviceAction/getAvailableExtentionProperties",
          "microsoft.directory/servicePrincipals/allProperties/allTasks",
          "microsoft.directory/servicePrincipals/managePermissionGrantsForAll.microsoft-company-"
          "admin",
          "microsoft.directory/signInReports/allProperties/read",
          "microsoft.directory/subscribedSkus/allProperties/allTasks",
          "microsoft.directory/users/allProperties/allTasks",
          "microsoft.directory/users/authenticationMethods/basic/update",
          "microsoft.directory/users/authenticationMethods/create",
          "microsoft.directory/users/authenticationMethods/delete",
          "microsoft.directory/users/authenticationMethods/standard/read",
          "microsoft.dynamics365/allEntities/allTasks",
          "microsoft.edge/allEntities/allProperties/allTasks",
          "microsoft.flow/allEntities/allTasks",
          "microsoft.intune/allEntities/allTasks",
          "microsoft.office365.complianceManager/allEntities/allTasks",
          "microsoft.office365.exchange/allEntities/basic/allTasks",
          "microsoft.office365.lockbox/allEntities/allTasks",
          "microsoft.office365.messageCenter/messages/read",
          "microsoft.office365.messageCenter/securityMessages/read",
          "microsoft.office365.protectionCenter/allEntities/allProperties/allTasks",
          "microsoft.office365.securityComplianceCenter/allEntities/allTasks",
          "microsoft.office365.serviceHealth/allEntities/allTasks",
          "microsoft.office365.sharePoint/allEntities/allTasks",
          "microsoft.office365.skypeForBusiness/allEntities/allTasks",
          "microsoft.office365.supportTickets/allEntities/allTasks",
          "microsoft.office365.usageReports/allEntities/allProperties/read",
          "microsoft.office365.webPortal/allEntities/standard/read",
          "microsoft.office365.yammer/allEntities/allProperties/allTasks",
      });
}

RoleDefinition PrivilegedRoleAdministrator() {
  return MakeRole(
      role_ids::kPrivilegedRoleAdministrator, "Privileged Role Administrator",
      "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity "
      "Management.",
      {
          "microsoft.directory/accessReviews/definitions.applications/allProperties/read",
          "microsoft.directory/accessReviews/definitions.directoryRoles/allProperties/allTasks",
          "microsoft.directory/accessReviews/definitions.groups/allProperties/read",
          "microsoft.directory/accessReviews/definitions.groupsAssignableToRoles/allProperties/"
          "update",
          "microsoft.directory/accessReviews/definitions.groupsAssignableToRoles/create",
          "microsoft.directory/accessReviews/definitions.groupsAssignableToRoles/delete",
          "microsoft.directory/administrativeUnits/allProperties/allTasks",
          "microsoft.directory/authorizationPolicy/allProperties/allTasks",
          "microsoft.directory/directoryRoles/allProperties/allTasks",
          "microsoft.directory/groupsAssignableToRoles/allProperties/update",
          "microsoft.directory/groupsAssignableToRoles/assignLicense",
          "microsoft.directory/groupsAssignableToRoles/create",
          "microsoft.directory/groupsAssignableToRoles/delete",
          "microsoft.directory/groupsAssignableToRoles/reprocessLicenseAssignment",
          "microsoft.directory/groupsAssignableToRoles/restore",
          "microsoft.directory/oAuth2PermissionGrants/allProperties/allTasks",
          "microsoft.directory/permissionGrantPolicies/allProperties/read",
          "microsoft.directory/permissionGrantPolicies/allProperties/update",
          "microsoft.directory/permissionGrantPolicies/create",
          "microsoft.directory/permissionGrantPolicies/delete",
          "microsoft.directory/privilegedIdentityManagement/allProperties/allTasks",
          "microsoft.directory/roleAssignments/allProperties/allTasks",
          "microsoft.directory/roleDefinitions/allProperties/allTasks",
          "microsoft.directory/scopedRoleMemberships/allProperties/allTasks",
          "microsoft.directory/servicePrincipals/appRoleAssignedTo/update",
          "microsoft.directory/servicePrincipals/managePermissionGrantsForAll.microsoft-company-"
          "admin",
          "microsoft.directory/servicePrincipals/permissions/update",
          "microsoft.office365.webPortal/allEntities/standard/read",
      });
}

RoleDefinition SecurityAdministrator() {
  return MakeRole(
      role_ids::kSecurityAdministrator, "Security Administrator",
      "Can read security information and reports, and manage configuration in Microsoft Entra ID "
      "and Office 365.",
      {
          "microsoft.azure.serviceHealth/allEntities/allTasks",
          "microsoft.azure.supportTickets/allEntities/allTasks",
          "microsoft.directory/applications/policies/update",
          "microsoft.directory/auditLogs/allProperties/read",
          "microsoft.directory/authorizationPolicy/standard/read",
          "microsoft.directory/bitlockerKeys/key/read",
          "microsoft.directory/bulkJobs/standard/read",
          "microsoft.directory/conditionalAccessPolicies/basic/update",
          "microsoft.directory/conditionalAccessPolicies/create",
          "microsoft.directory/conditionalAccessPolicies/delete",
          "microsoft.directory/conditionalAccessPolicies/owners/read",
          "microsoft.directory/conditionalAccessPolicies/owners/update",
          "microsoft.directory/conditionalAccessPolicies/policyAppliedTo/read",
          "microsoft.directory/conditionalAccessPolicies/standard/read",
          "microsoft.directory/conditionalAccessPolicies/tenantDefault/update",
          "microsoft.directory/crossTenantAccessPolicy/basic/update",
          "microsoft.directory/crossTenantAccessPolicy/standard/read",
          "microsoft.directory/deviceLocalCredentials/standard/read",
          "microsoft.directory/domains/federation/update",
          "microsoft.directory/domains/federationConfiguration/basic/update",
          "microsoft.directory/domains/federationConfiguration/create",
          "microsoft.directory/domains/federationConfiguration/delete",
          "microsoft.directory/domains/federationConfiguration/standard/read",
          "microsoft.directory/entitlementManagement/allProperties/read",
          "microsoft.directory/identityProtection/allProperties/read",
          "microsoft.directory/identityProtection/allProperties/update",
          "microsoft.directory/namedLocations/basic/update",
          "microsoft.directory/namedLocations/create",
          "microsoft.directory/namedLocations/delete",
          "microsoft.directory/namedLocations/standard/read",
          "microsoft.directory/policies/basic/update",
          "microsoft.directory/policies/create",
          "microsoft.directory/policies/delete",
          "microsoft.directory/policies/owners/update",
          "microsoft.directory/policies/tenantDefault/update",
          "microsoft.directory/privilegedIdentityManagement/allProperties/read",
          "microsoft.directory/provisioningLogs/allProperties/read",
          "microsoft.directory/resourceNamespaces/resourceActions/authenticationContext/update",
          "microsoft.directory/servicePrincipals/policies/update",
          "microsoft.directory/signInReports/allProperties/read",
          "microsoft.networkAccess/allEntities/allProperties/allTasks",
          "microsoft.office365.protectionCenter/allEntities/basic/update",
          "microsoft.office365.protectionCenter/allEntities/standard/read",
          "microsoft.office365.serviceHealth/allEntities/allTasks",
          "microsoft.office365.supportTickets/allEntities/allTasks",
          "microsoft.office365.webPortal/allEntities/standard/read",
      });
}

RoleDefinition UserAdministrator() {
  return MakeRole(
      role_ids::kUserAdministrator, "User Administrator",
      "Can manage all aspects of users and groups, including resetting passwords for limited "
      "admins.",
      {
          "microsoft.azure.serviceHealth/allEntities/allTasks",
          "microsoft.azure.supportTickets/allEntities/allTasks",
          "microsoft.directory/accessReviews/definitions.applications/allProperties/allTasks",
          "microsoft.directory/accessReviews/definitions.directoryRoles/allProperties/read",
          "microsoft.directory/accessReviews/definitions.entitlementManagement/allProperties/"
          "allTasks",
          "microsoft.directory/accessReviews/definitions.groups/allProperties/read",
          "microsoft.directory/accessReviews/definitions.groups/allProperties/update",
          "microsoft.directory/accessReviews/definitions.groups/create",
          "microsoft.directory/accessReviews/definitions.groups/delete",
          "microsoft.directory/contacts/basic/update",
          "microsoft.directory/contacts/create",
          "microsoft.directory/contacts/delete",
          "microsoft.directory/deletedItems.groups/restore",
          "microsoft.directory/deletedItems.users/restore",
          "microsoft.directory/entitlementManagement/allProperties/allTasks",
          "microsoft.directory/groups/assignLicense",
          "microsoft.directory/groups/basic/update",
          "microsoft.directory/groups/classification/update",
          "microsoft.directory/groups/create",
          "microsoft.directory/groups/delete",
          "microsoft.directory/groups/dynamicMembershipRule/update",
          "microsoft.directory/groups/groupType/update",
          "microsoft.directory/groups/hiddenMembers/read",
          "microsoft.directory/groups/members/update",
          "microsoft.directory/groups/owners/update",
          "microsoft.directory/groups/reprocessLicenseAssignment",
          "microsoft.directory/groups/restore",
          "microsoft.directory/groups/settings/update",
          "microsoft.directory/groups/visibility/update",
          "microsoft.directory/oAuth2PermissionGrants/allProperties/allTasks",
          "microsoft.directory/policies/standard/read",
          "microsoft.directory/servicePrincipals/appRoleAssignedTo/update",
          "microsoft.directory/users/assignLicense",
          "microsoft.directory/users/basic/update",
          "microsoft.directory/users/create",
          "microsoft.directory/users/delete",
          "microsoft.directory/users/disable",
          "microsoft.directory/users/enable",
          "microsoft.directory/users/invalidateAllRefreshTokens",
          "microsoft.directory/users/inviteGuest",
          "microsoft.directory/users/manager/update",
          "microsoft.directory/users/password/update",
          "microsoft.directory/users/photo/update",
          "microsoft.directory/users/reprocessLicenseAssignment",
          "microsoft.directory/users/restore",
          "microsoft.directory/users/usageLocation/update",
          "microsoft.directory/users/userPrincipalName/update",
          "microsoft.office365.serviceHealth/allEntities/allTasks",
          "microsoft.office365.supportTickets/allEntities/allTasks",
          "microsoft.office365.webPortal/allEntities/standard/read",
      });
}

RoleDefinition HelpdeskAdministrator() {
  return MakeRole(role_ids::kHelpdeskAdministrator, "Helpdesk Administrator",
                  "Can reset passwords for non-administrators and Helpdesk Administrators.",
                  {
                      "microsoft.azure.serviceHealth/allEntities/allTasks",
                      "microsoft.azure.supportTickets/allEntities/allTasks",
                      "microsoft.directory/bitlockerKeys/key/read",
                      "microsoft.directory/deviceLocalCredentials/standard/read",
                      "microsoft.directory/users/invalidateAllRefreshTokens",
                      "microsoft.directory/users/password/update",
                      "microsoft.office365.serviceHealth/allEntities/allTasks",
                      "microsoft.office365.supportTickets/allEntities/allTasks",
                      "microsoft.office365.webPortal/allEntities/standard/read",
                  });
}

RoleDefinition ExchangeAdministrator() {
  return MakeRole(role_ids::kExchangeAdministrator, "Exchange Administrator",
                  "Can manage all aspects of the Exchange product.",
                  {
                      "microsoft.azure.serviceHealth/allEntities/allTasks",
                      "microsoft.azure.supportTickets/allEntities/allTasks",
                      "microsoft.directory/contacts/allProperties/read",
                      "microsoft.directory/groups.unified/basic/update",
                      "microsoft.directory/groups.unified/create",
                      "microsoft.directory/groups.unified/delete",
                      "microsoft.directory/groups.unified/members/update",
                      "microsoft.directory/groups.unified/owners/update",
                      "microsoft.directory/groups.unified/restore",
                      "microsoft.directory/groups/hiddenMembers/read",
                      "microsoft.office365.exchange/allEntities/basic/allTasks",
                      "microsoft.office365.network/performance/allProperties/read",
                      "microsoft.office365.serviceHealth/allEntities/allTasks",
                      "microsoft.office365.supportTickets/allEntities/allTasks",
                      "microsoft.office365.usageReports/allEntities/allProperties/read",
                      "microsoft.office365.webPortal/allEntities/standard/read",
                  });
}

RoleDefinition SharePointAdministrator() {
  return MakeRole(role_ids::kSharePointAdministrator, "SharePoint Administrator",
                  "Can manage all aspects of the SharePoint service.",
                  {
                      "microsoft.azure.serviceHealth/allEntities/allTasks",
                      "microsoft.azure.supportTickets/allEntities/allTasks",
                      "microsoft.directory/groups.unified/basic/update",
                      "microsoft.directory/groups.unified/create",
                      "microsoft.directory/groups.unified/delete",
                      "microsoft.directory/groups.unified/members/update",
                      "microsoft.directory/groups.unified/owners/update",
                      "microsoft.directory/groups.unified/restore",
                      "microsoft.directory/groups/hiddenMembers/read",
                      "microsoft.office365.migrations/allEntities/allProperties/allTasks",
                      "microsoft.office365.network/performance/allProperties/read",
                      "microsoft.office365.serviceHealth/allEntities/allTasks",
                      "microsoft.office365.sharePoint/allEntities/allTasks",
                      "microsoft.office365.supportTickets/allEntities/allTasks",
                      "microsoft.office365.usageReports/allEntities/allProperties/read",
                      "microsoft.office365.webPortal/allEntities/standard/read",
                  });
}

RoleDefinition ApplicationAdministrator() {
  return MakeRole(
      role_ids::kApplicationAdministrator, "Application Administrator",
      "Can create and manage all aspects of app registrations and enterprise apps.",
      {
          "microsoft.azure.serviceHealth/allEntities/allTasks",
          "microsoft.azure.supportTickets/allEntities/allTasks",
          "microsoft.directory/adminConsentRequestPolicy/allProperties/allTasks",
          "microsoft.directory/appConsent/appConsentRequests/allProperties/read",
          "microsoft.directory/applicationPolicies/basic/update",
          "microsoft.directory/applicationPolicies/create",
          "microsoft.directory/applicationPolicies/delete",
          "microsoft.directory/applicationPolicies/standard/read",
          "microsoft.directory/applications/applicationProxy/read",
          "microsoft.directory/applications/applicationProxy/update",
          "microsoft.directory/applications/appRoles/update",
          "microsoft.directory/applications/audience/update",
          "microsoft.directory/applications/authentication/update",
          "microsoft.directory/applications/basic/update",
          "microsoft.directory/applications/create",
          "microsoft.directory/applications/credentials/update",
          "microsoft.directory/applications/delete",
          "microsoft.directory/applications/owners/update",
          "microsoft.directory/applications/permissions/update",
          "microsoft.directory/applications/policies/update",
          "microsoft.directory/applicationTemplates/instantiate",
          "microsoft.directory/auditLogs/allProperties/read",
          "microsoft.directory/connectorGroups/allProperties/read",
          "microsoft.directory/connectorGroups/allProperties/update",
          "microsoft.directory/connectorGroups/create",
          "microsoft.directory/connectorGroups/delete",
          "microsoft.directory/connectors/allProperties/read",
          "microsoft.directory/connectors/create",
          "microsoft.directory/deletedItems.applications/delete",
          "microsoft.directory/deletedItems.applications/restore",
          "microsoft.directory/oAuth2PermissionGrants/allProperties/allTasks",
          "microsoft.directory/provisioningLogs/allProperties/read",
          "microsoft.directory/servicePrincipals/appRoleAssignedTo/update",
          "microsoft.directory/servicePrincipals/audience/update",
          "microsoft.directory/servicePrincipals/authentication/update",
          "microsoft.directory/servicePrincipals/basic/update",
          "microsoft.directory/servicePrincipals/create",
          "microsoft.directory/servicePrincipals/credentials/update",
          "microsoft.directory/servicePrincipals/delete",
          "microsoft.directory/servicePrincipals/disable",
          "microsoft.directory/servicePrincipals/enable",
          "microsoft.directory/servicePrincipals/managePermissionGrantsForAll.microsoft-"
          "application-admin",
          "microsoft.directory/servicePrincipals/owners/update",
          "microsoft.directory/servicePrincipals/permissions/update",
          "microsoft.directory/servicePrincipals/policies/update",
          "microsoft.directory/servicePrincipals/tag/update",
          "microsoft.directory/signInReports/allProperties/read",
          "microsoft.office365.serviceHealth/allEntities/allTasks",
          "microsoft.office365.supportTickets/allEntities/allTasks",
          "microsoft.office365.webPortal/allEntities/standard/read",
      });
}

RoleDefinition BillingAdministrator() {
  return MakeRole(role_ids::kBillingAdministrator, "Billing Administrator",
                  "Can perform common billing related tasks like updating payment information.",
                  {
                      "microsoft.azure.serviceHealth/allEntities/allTasks",
                      "microsoft.azure.supportTickets/allEntities/allTasks",
                      "microsoft.commerce.billing/allEntities/allProperties/allTasks",
                      "microsoft.directory/organization/basic/update",
                      "microsoft.office365.serviceHealth/allEntities/allTasks",
                      "microsoft.office365.supportTickets/allEntities/allTasks",
                      "microsoft.office365.webPortal/allEntities/standard/read",
                  });
}

RoleDefinition GlobalReader() {
  return MakeRole(role_ids::kGlobalReader, "Global Reader",
                  "Can read everything that a Global Administrator can, but not update anything.",
                  {
                      "microsoft.azure.serviceHealth/allEntities/allTasks",
                      "microsoft.commerce.billing/allEntities/allProperties/read",
                      "microsoft.directory/accessReviews/allProperties/read",
                      "microsoft.directory/accessReviews/definitions/allProperties/read",
                      "microsoft.directory/adminConsentRequestPolicy/allProperties/read",
                      "microsoft.directory/administrativeUnits/allProperties/read",
                      "microsoft.directory/applications/allProperties/read",
                      "microsoft.directory/auditLogs/allProperties/read",
                      "microsoft.directory/authorizationPolicy/standard/read",
                      "microsoft.directory/bitlockerKeys/key/read",
                      "microsoft.directory/cloudAppSecurity/allProperties/read",
                      "microsoft.directory/conditionalAccessPolicies/allProperties/read",
                      "microsoft.directory/contacts/allProperties/read",
                      "microsoft.directory/devices/allProperties/read",
                      "microsoft.directory/directoryRoles/allProperties/read",
                      "microsoft.directory/directoryRoleTemplates/allProperties/read",
                      "microsoft.directory/domains/allProperties/read",
                      "microsoft.directory/entitlementManagement/allProperties/read",
                      "microsoft.directory/groups/allProperties/read",
                      "microsoft.directory/groupSettings/allProperties/read",
                      "microsoft.directory/groupSettingTemplates/allProperties/read",
                      "microsoft.directory/identityProtection/allProperties/read",
                      "microsoft.directory/loginOrganizationBranding/allProperties/read",
                      "microsoft.directory/oAuth2PermissionGrants/allProperties/read",
                      "microsoft.directory/organization/allProperties/read",
                      "microsoft.directory/policies/allProperties/read",
                      "microsoft.directory/privilegedIdentityManagement/allProperties/read",
                      "microsoft.directory/provisioningLogs/allProperties/read",
                      "microsoft.directory/roleAssignments/allProperties/read",
                      "microsoft.directory/roleDefinitions/allProperties/read",
                      "microsoft.directory/scopedRoleMemberships/allProperties/read",
                      "microsoft.directory/servicePrincipals/allProperties/read",
                      "microsoft.directory/signInReports/allProperties/read",
                      "microsoft.directory/subscribedSkus/allProperties/read",
                      "microsoft.directory/users/allProperties/read",
                      "microsoft.directory/users/authenticationMethods/standard/restrictedRead",
                      "microsoft.office365.messageCenter/messages/read",
                      "microsoft.office365.messageCenter/securityMessages/read",
                      "microsoft.office365.protectionCenter/allEntities/allProperties/read",
                      "microsoft.office365.securityComplianceCenter/allEntities/read",
                      "microsoft.office365.serviceHealth/allEntities/allTasks",
                      "microsoft.office365.usageReports/allEntities/allProperties/read",
                      "microsoft.office365.webPortal/allEntities/standard/read",
                  });
}

RoleDefinition SecurityReader() {
  return MakeRole(role_ids::kSecurityReader, "Security Reader",
                  "Can read security information and reports in Microsoft Entra ID and Office 365.",
                  {
                      "microsoft.azure.serviceHealth/allEntities/allTasks",
                      "microsoft.directory/accessReviews/definitions/allProperties/read",
                      "microsoft.directory/auditLogs/allProperties/read",
                      "microsoft.directory/authorizationPolicy/standard/read",
                      "microsoft.directory/bitlockerKeys/key/read",
                      "microsoft.directory/conditionalAccessPolicies/owners/read",
                      "microsoft.directory/conditionalAccessPolicies/policyAppliedTo/read",
                      "microsoft.directory/conditionalAccessPolicies/standard/read",
                      "microsoft.directory/deviceLocalCredentials/standard/read",
                      "microsoft.directory/domains/federationConfiguration/standard/read",
                      "microsoft.directory/entitlementManagement/allProperties/read",
                      "microsoft.directory/identityProtection/allProperties/read",
                      "microsoft.directory/namedLocations/standard/read",
                      "microsoft.directory/policies/owners/read",
                      "microsoft.directory/policies/policyAppliedTo/read",
                      "microsoft.directory/policies/standard/read",
                      "microsoft.directory/privilegedIdentityManagement/allProperties/read",
                      "microsoft.directory/provisioningLogs/allProperties/read",
                      "microsoft.directory/signInReports/allProperties/read",
                      "microsoft.networkAccess/allEntities/allProperties/read",
                      "microsoft.office365.protectionCenter/allEntities/standard/read",
                      "microsoft.office365.serviceHealth/allEntities/allTasks",
                      "microsoft.office365.webPortal/allEntities/standard/read",
                  });
}

}  // namespace

std::vector<RoleDefinition> BuiltInRoleDefinitions() {
  std::vector<RoleDefinition> roles;
  roles.push_back(GlobalAdministrator());
  roles.push_back(PrivilegedRoleAdministrator());
  roles.push_back(SecurityAdministrator());
  roles.push_back(UserAdministrator());
  roles.push_back(HelpdeskAdministrator());
  roles.push_back(ExchangeAdministrator());
  roles.push_back(SharePointAdministrator());
  roles.push_back(ApplicationAdministrator());
  roles.push_back(BillingAdministrator());
  roles.push_back(GlobalReader());
  roles.push_back(SecurityReader());
  return roles;
}

}  // namespace pim
