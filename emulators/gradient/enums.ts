// The vendor API's enums, exactly as the official SDK's OpenAPI models spell them
// (meetgradient/Synthesize-SDK-PS: Model/CreateServiceRequest.ps1, Model/VendorIntegrationStatusEnum.ps1,
// Model/CreateAlertingDto.ps1). Gradient checks them case-sensitively (SDK commit d9d8f7f), typos
// included ("priviledged").

export const integrationStatuses = ['active', 'inactive', 'pending', 'disabled', 'error'] as const;
export type IntegrationStatus = (typeof integrationStatuses)[number];

export const serviceCategories = ['security', 'backup', 'productivity', 'infrastructure', 'service delivery', 'consulting', 'other'] as const;
export type ServiceCategory = (typeof serviceCategories)[number];

export const serviceSubcategories = [
  'endpoint detection and response (EDR)',
  'email security',
  'virtual private network services (VPN)',
  'DNS filtering',
  'dark web monitoring',
  'password management',
  'single sign on (SSO)',
  'priviledged access and identity management (PAM/PIM)',
  'security information and event management (SIEM)',
  'mobile device management (MDM)',
  'application security',
  'mobile application management (MAM)',
  'multi factor authentication (MFA)',
  'cloud backup',
  'local backup',
  'desktop backup',
  'data archiving',
  'physical offsite storage',
  'business continuity',
  'hosted email',
  'video conferencing',
  'voice over IP services (VOIP)',
  'line of business application support',
  'unified communications as a service (UCaaS)',
  'customer relationship management',
  'cloud storage',
  'website hosting',
  'hardware as a service (HaaS)',
  'managed print services',
  'virtual desktop infrastructure (VDI)',
  'virtual server hosting',
  'infrastructure as a service (IaaS)',
  'end user support',
  'server management and support',
  'network management and support',
  'printer management and support',
  'desktop management and support',
  'hosted security operations centre (SOC)',
  'software development',
  'penetration testing',
  'project services',
  'governance and compliance',
  'business intelligence services / analytics',
  'phishing simulation',
  'privacy and security awareness training',
  'other',
] as const;
export type ServiceSubcategory = (typeof serviceSubcategories)[number];

/** CreateAlertingDto.priority: 1 low, 2 medium, 3 high, 4 very high (default 1). */
export const alertPriorities = [1, 2, 3, 4] as const;

/** RetrieveAlertResponseDto.status. */
export const alertDeliveryStatuses = ['pending', 'success', 'failed'] as const;
export type AlertDeliveryStatus = (typeof alertDeliveryStatuses)[number];
