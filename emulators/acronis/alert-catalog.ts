// The Alert Manager's catalogue of alert types (GET /types): what the vendor's own PSA integrations
// list on their ticket-creation screens, with a category and a default severity each.
//
// Where the names come from:
// - type ids seen in official material (reference/acronis.md §6): BackupCanceled, EDRIncidentDetected,
//   NoBackupForXDays, DrStorageHardQuotaExceeds;
// - type ids seen only in third-party code: BackupFailed, BackupDidNotStart, MalwareDetected;
// - the titles the vendor's integration screens show (seed 001 "Choosing Acronis Alerts that Generate
//   Tickets", seed 002 §7 and the service board of §10): "Agent is outdated", "Backup is missing",
//   "No access to your account", "Quota exceeded", "Quota reached", "Backup did not start",
//   "Backup failed", "Backup is corrupted", "Backup is canceled", "Backup is not responding",
//   "Activity succeeded with warnings", "Backup status is unknown";
// - the rest follows the alert categories of the Cyber Protect console (antimalware, EDR, disaster
//   recovery, vulnerability assessment, patch management, device control, email security, monitoring,
//   licensing, data loss prevention, scripting).
// Every id not in the first two groups, and every category/severity pairing, is our inference (inf):
// the type object's real fields were not seen, so the objects carry {id, category, severity, title}.
import type { Severity } from './catalog.ts';

export interface AlertType {
  id: string;
  category: string;
  severity: Severity;
  title: string;
}

const t = (id: string, category: string, severity: Severity, title: string): AlertType => ({ id, category, severity, title });

export const alertCategories = [
  'Backup',
  'Quota',
  'Agent',
  'Account',
  'Antimalware protection',
  'EDR',
  'Disaster Recovery',
  'Vulnerability assessment',
  'Patch management',
  'Device control',
  'Email security',
  'Monitoring',
  'Licensing',
  'Data loss prevention',
  'Scripting',
] as const;

export const alertTypes: readonly AlertType[] = [
  // Backup
  t('BackupFailed', 'Backup', 'error', 'Backup failed'),
  t('BackupCanceled', 'Backup', 'warning', 'Backup is canceled'),
  t('BackupDidNotStart', 'Backup', 'warning', 'Backup did not start'),
  t('NoBackupForXDays', 'Backup', 'warning', 'Backup is missing'),
  t('BackupCorrupted', 'Backup', 'critical', 'Backup is corrupted'),
  t('BackupNotResponding', 'Backup', 'error', 'Backup is not responding'),
  t('BackupStatusUnknown', 'Backup', 'warning', 'Backup status is unknown'),
  t('ActivitySucceededWithWarnings', 'Backup', 'warning', 'Activity succeeded with warnings'),
  t('RecoveryFailed', 'Backup', 'error', 'Recovery failed'),
  t('ValidationFailed', 'Backup', 'error', 'Backup validation failed'),
  t('ReplicationFailed', 'Backup', 'error', 'Backup replication failed'),
  t('CleanupFailed', 'Backup', 'warning', 'Backup cleanup failed'),
  t('CloudAppBackupFailed', 'Backup', 'error', 'Cloud-to-cloud backup failed'),
  // Quota
  t('QuotaReached', 'Quota', 'warning', 'Quota reached'),
  t('QuotaExceeded', 'Quota', 'error', 'Quota exceeded'),
  t('StorageQuotaExceeded', 'Quota', 'warning', 'Storage quota is exceeded'),
  t('DrStorageHardQuotaExceeds', 'Disaster Recovery', 'error', 'Disaster recovery storage hard quota exceeded'),
  // Agent
  t('AgentOutdated', 'Agent', 'warning', 'Agent is outdated'),
  t('AgentUpdateFailed', 'Agent', 'warning', 'Agent update failed'),
  t('MachineOffline', 'Agent', 'warning', 'Machine is offline'),
  t('AgentServiceNotRunning', 'Agent', 'error', 'Protection agent service is not running'),
  // Account
  t('NoAccessToAccount', 'Account', 'error', 'No access to your account'),
  t('CloudAppAuthorizationRevoked', 'Account', 'error', 'Access to the cloud application was revoked'),
  // Antimalware protection
  t('MalwareDetected', 'Antimalware protection', 'critical', 'Malware is detected and blocked'),
  t('RansomwareDetected', 'Antimalware protection', 'critical', 'Ransomware activity is detected'),
  t('SuspiciousActivityDetected', 'Antimalware protection', 'warning', 'Suspicious activity is detected'),
  t('MaliciousUrlBlocked', 'Antimalware protection', 'warning', 'Malicious URL is blocked'),
  t('AntimalwareDefinitionsOutdated', 'Antimalware protection', 'warning', 'Antimalware definitions are outdated'),
  t('ActiveProtectionOff', 'Antimalware protection', 'error', 'Active protection is turned off'),
  // EDR
  t('EDRIncidentDetected', 'EDR', 'critical', 'Incident detected'),
  t('EDRIncidentEscalated', 'EDR', 'critical', 'Incident severity increased'),
  // Disaster Recovery
  t('DrFailoverFailed', 'Disaster Recovery', 'error', 'Failover failed'),
  t('DrRecoveryServerOffline', 'Disaster Recovery', 'error', 'Recovery server is not reachable'),
  t('DrComputePointsExceeded', 'Disaster Recovery', 'warning', 'Compute points quota exceeded'),
  // Vulnerability assessment and patch management
  t('VulnerabilitiesFound', 'Vulnerability assessment', 'warning', 'Vulnerabilities are found'),
  t('VulnerabilityAssessmentFailed', 'Vulnerability assessment', 'error', 'Vulnerability assessment failed'),
  t('PatchInstallationFailed', 'Patch management', 'error', 'Patch installation failed'),
  t('RebootRequired', 'Patch management', 'information', 'Reboot is required to finish patching'),
  // Device control and email security
  t('DeviceAccessDenied', 'Device control', 'warning', 'Access to a device is denied'),
  t('EmailThreatDetected', 'Email security', 'warning', 'Email threat is detected'),
  t('EmailQuarantined', 'Email security', 'information', 'Email is quarantined'),
  // Monitoring
  t('DiskSpaceLow', 'Monitoring', 'warning', 'Free disk space is low'),
  t('DiskHealthCritical', 'Monitoring', 'critical', 'Disk health is critical'),
  t('CpuUsageHigh', 'Monitoring', 'warning', 'CPU usage is high'),
  t('MemoryUsageHigh', 'Monitoring', 'warning', 'Memory usage is high'),
  t('ServiceStopped', 'Monitoring', 'error', 'A monitored service has stopped'),
  // Licensing
  t('LicenseExpiresSoon', 'Licensing', 'warning', 'License expires soon'),
  t('LicenseExpired', 'Licensing', 'error', 'License has expired'),
  // Data loss prevention and scripting
  t('DlpPolicyViolation', 'Data loss prevention', 'warning', 'Data loss prevention policy is violated'),
  t('ScriptExecutionFailed', 'Scripting', 'error', 'Script execution failed'),
];

export const alertTypesById: ReadonlyMap<string, AlertType> = new Map(alertTypes.map((a) => [a.id, a]));
