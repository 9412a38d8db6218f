import { canWrite, isSensitive, SENSITIVE_DATA_CLASSES } from '../manifest/access.js';
import type { Access, DataClass, Manifest, Stage, Tool } from '../manifest/types.js';
import { triggerLabel } from './sections.js';

/** A tool the agent can use in a stage, and the credential it uses (none: the tool needs none). */
export interface ToolPath {
  tool: string;
  access: Access;
  credential?: string;
}

/** A data class the agent can reach in a stage, and through which tools. */
export interface DataClassReach {
  dataClass: string;
  sensitive: boolean;
  /** False when a tool names the class but inventory.dataClasses does not declare it. */
  declared: boolean;
  via: ToolPath[];
}

/** One way the agent is invoked. */
export interface TriggerPath {
  label: string;
  kind: string;
  source?: string;
  cron?: string;
  owner?: string;
}

/**
 * What the agent can touch in one stage: the security reviewer's first question. Credentials are
 * the stage's own (least privilege per stage); a tool is usable when it needs no credential or
 * its credential is held in the stage.
 */
export interface StageBlastRadius {
  stage: string;
  index: number;
  dataAccess?: string;
  credentials: string[];
  tools: ToolPath[];
  /** Tools the agent cannot use in this stage: their credential is not held. */
  toolsWithoutCredential: ToolPath[];
  read: DataClassReach[];
  write: DataClassReach[];
  /** Usable tools that can write or administer, whatever data classes they name. */
  writeTools: ToolPath[];
  /** Usable tools whose data classes are unknown: the agent may reach anything through them. */
  unknownReach: ToolPath[];
  /** The manifest does not stage triggers: every stage is invoked the same ways. */
  triggers: TriggerPath[];
}

function readsClass(dataClass: DataClass | undefined): boolean {
  return dataClass === undefined || dataClass.access === 'read' || dataClass.access === 'read-write';
}

function writesClass(dataClass: DataClass | undefined, tool: Tool): boolean {
  return canWrite(tool.access) && (dataClass === undefined || dataClass.access === 'write' || dataClass.access === 'read-write');
}

function pathOf(tool: Tool): ToolPath {
  return tool.credential === undefined
    ? { tool: tool.id, access: tool.access }
    : { tool: tool.id, access: tool.access, credential: tool.credential };
}

function addReach(map: Map<string, DataClassReach>, id: string, dataClass: DataClass | undefined, path: ToolPath): void {
  const reach = map.get(id) ?? {
    dataClass: id,
    sensitive: dataClass ? isSensitive(dataClass) : SENSITIVE_DATA_CLASSES.has(id),
    declared: dataClass !== undefined,
    via: [],
  };
  reach.via.push(path);
  map.set(id, reach);
}

/** The blast radius of one stage. Pure. */
export function stageBlastRadius(manifest: Manifest, stage: Stage, index: number): StageBlastRadius {
  const held = new Set(stage.credentials ?? []);
  const classes = new Map(manifest.inventory.dataClasses.map((d) => [d.id, d]));
  const read = new Map<string, DataClassReach>();
  const write = new Map<string, DataClassReach>();
  const tools: ToolPath[] = [];
  const toolsWithoutCredential: ToolPath[] = [];
  const writeTools: ToolPath[] = [];
  const unknownReach: ToolPath[] = [];
  for (const tool of manifest.inventory.tools) {
    const path = pathOf(tool);
    if (tool.credential !== undefined && !held.has(tool.credential)) {
      toolsWithoutCredential.push(path);
      continue;
    }
    tools.push(path);
    if (canWrite(tool.access)) writeTools.push(path);
    if (tool.dataClasses === undefined) {
      unknownReach.push(path);
      continue;
    }
    for (const id of tool.dataClasses) {
      const dataClass = classes.get(id);
      if (readsClass(dataClass)) addReach(read, id, dataClass, path);
      if (writesClass(dataClass, tool)) addReach(write, id, dataClass, path);
    }
  }
  const radius: StageBlastRadius = {
    stage: stage.id,
    index,
    credentials: [...held],
    tools,
    toolsWithoutCredential,
    read: [...read.values()],
    write: [...write.values()],
    writeTools,
    unknownReach,
    triggers: manifest.inventory.triggers.map((trigger, i) => {
      const path: TriggerPath = { label: triggerLabel(trigger, i), kind: trigger.kind };
      if (trigger.source !== undefined) path.source = trigger.source;
      if (trigger.cron !== undefined) path.cron = trigger.cron;
      if (trigger.owner !== undefined) path.owner = trigger.owner;
      return path;
    }),
  };
  if (stage.dataAccess !== undefined) radius.dataAccess = stage.dataAccess;
  return radius;
}

/** The blast radius of every stage, in order. Pure. */
export function blastRadius(manifest: Manifest): StageBlastRadius[] {
  return manifest.stages.map((stage, index) => stageBlastRadius(manifest, stage, index));
}
