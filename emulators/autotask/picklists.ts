// The picklists a fresh Autotask database ships with, as `entityInformation/fields` returns them.
// Values are strings on the wire while the entity field is an int (reference §A.2). The numbers are
// the emulator's: clients must read them from entityInformation/fields and never hard-code them, so
// several values deliberately do not start at 1. Labels follow the Autotask UI and the seed (period
// types Monthly / Quarterly / Semi-Annual / Yearly; contract type Recurring Service).

export interface PicklistValue {
  value: string;
  label: string;
  isDefaultValue: boolean;
  sortOrder: number;
  parentValue: string | null;
  isActive: boolean;
  isSystem: boolean;
}

type Entry = readonly [value: number, label: string, parent?: number];

function list(entries: readonly Entry[], defaultValue?: number): PicklistValue[] {
  return entries.map(([value, label, parent], i) => ({
    value: String(value),
    label,
    isDefaultValue: value === defaultValue,
    sortOrder: i + 1,
    parentValue: parent === undefined ? null : String(parent),
    isActive: true,
    isSystem: true,
  }));
}

const periodTypes: Entry[] = [
  [1, 'Monthly'],
  [2, 'Quarterly'],
  [3, 'Semi-Annual'],
  [4, 'Yearly'],
];

/** `Entity.field` → values. Dependent picklists carry parentValue (subIssueType ← issueType). */
export function defaultPicklists(): Map<string, PicklistValue[]> {
  const m = new Map<string, PicklistValue[]>();
  m.set('Companies.companyType', list([[1, 'Customer'], [2, 'Lead'], [3, 'Prospect'], [4, 'Dead'], [6, 'Cancellation'], [7, 'Vendor'], [8, 'Partner']], 1));
  m.set('Companies.classification', list([[101, 'Gold'], [102, 'Silver'], [103, 'Bronze']]));
  m.set('Contacts.namePrefix', list([[1, 'Mr.'], [2, 'Mrs.'], [3, 'Ms.'], [4, 'Dr.']]));
  m.set('Contracts.contractType', list([[1, 'Time & Materials'], [3, 'Fixed Price'], [4, 'Block Hours'], [6, 'Retainer'], [7, 'Recurring Service'], [8, 'Per Ticket']]));
  m.set('Contracts.status', list([[0, 'Inactive'], [1, 'Active']], 1));
  m.set('Contracts.contractCategory', list([[12, 'Managed Services'], [13, 'Backup & Recovery'], [14, 'Security']]));
  m.set('Contracts.contractPeriodType', list(periodTypes, 1));
  m.set('Contracts.billingPreference', list([[1, 'Manually'], [2, 'Immediately'], [3, 'Timesheet Approval']], 2));
  m.set('Services.periodType', list(periodTypes, 1));
  m.set('ServiceBundles.periodType', list(periodTypes, 1));
  m.set('Tickets.status', list([[1, 'New'], [5, 'Complete'], [7, 'Waiting Customer'], [8, 'In Progress'], [9, 'Waiting Materials'], [10, 'Dispatched'], [12, 'Waiting Vendor'], [13, 'On Hold']], 1));
  m.set('Tickets.priority', list([[4, 'Critical'], [1, 'High'], [2, 'Medium'], [3, 'Low']], 2));
  m.set('Tickets.queueID', list([[5, 'Client Portal'], [6, 'Post Sale'], [8, 'Monitoring Alert'], [29682833, 'Level I Support'], [29682969, 'Level II Support']], 29682833));
  m.set('Tickets.source', list([[-1, 'Insourced'], [1, 'Other'], [2, 'Call'], [4, 'Email'], [6, 'Web Portal'], [8, 'Monitoring Alert'], [13, 'Integration']], 2));
  m.set('Tickets.issueType', list([[2, 'Backup'], [3, 'Security'], [4, 'Storage'], [5, 'Licensing']]));
  m.set(
    'Tickets.subIssueType',
    list([
      [201, 'Backup failed', 2],
      [202, 'Backup not run', 2],
      [203, 'Recovery', 2],
      [301, 'Malware detected', 3],
      [302, 'Vulnerability', 3],
      [401, 'Quota exceeded', 4],
      [402, 'Storage unavailable', 4],
      [501, 'License expired', 5],
    ]),
  );
  m.set('Tickets.ticketType', list([[1, 'Service Request'], [2, 'Incident'], [3, 'Problem'], [4, 'Change Request'], [5, 'Alert']], 1));
  m.set('Tickets.ticketCategory', list([[2, 'Standard'], [3, 'RMA'], [4, 'AEM Alert']], 2));
  m.set('TicketNotes.noteType', list([[1, 'Task Summary'], [2, 'Task Detail'], [3, 'Task Notes'], [13, 'Internal Log']], 1));
  m.set('TicketNotes.publish', list([[1, 'All Autotask Users'], [2, 'Internal Project Team'], [3, 'Internal & Co-managed']], 1));
  m.set('Resources.licenseType', list([[1, 'Full'], [2, 'Time & Attendance'], [3, 'Dashboard'], [7, 'API User']]));
  m.set('Resources.userType', list([[1, 'System Administrator'], [2, 'Full Access'], [8, 'Dispatcher'], [17, 'API User (system)']]));
  m.set('BillingCodes.useType', list([[1, 'Labor'], [2, 'Material'], [3, 'Expense'], [4, 'Recurring Service']]));
  m.set('BillingCodes.billingCodeType', list([[0, 'Normal'], [1, 'Internal'], [2, 'Recurring Contract']]));
  m.set('UserDefinedFieldDefinitions.udfType', list([[1, 'Company'], [2, 'Configuration Item'], [3, 'Contact'], [4, 'Contract'], [5, 'Ticket'], [6, 'Service']]));
  m.set('UserDefinedFieldDefinitions.dataType', list([[1, 'String'], [2, 'Number'], [3, 'Date'], [4, 'List'], [5, 'Boolean']]));
  m.set('UserDefinedFieldDefinitions.displayFormat', list([[1, 'Default'], [2, 'Long Text']], 1));
  return m;
}

/** Finds a value by its label (case-insensitive); the emulator's own code never hard-codes numbers either. */
export function valueOf(values: readonly PicklistValue[] | undefined, label: string): number {
  const hit = values?.find((v) => v.label.toLowerCase() === label.toLowerCase());
  if (!hit) throw new Error(`no picklist value labelled '${label}'`);
  return Number(hit.value);
}
