// The TypeScript form of synth.js, as `cdk8s init typescript-app` sets a project up: the same
// objects, type-checked by `tsc` against cdk8s's classes before it runs.
//
// The cdk8s baseline of bench/: the same N synthetic Elite apps as
// `elite-gen/examples/synth.rs`, written as a cdk8s user would, in TypeScript (strict) with the typed
// Kubernetes classes cdk8s-plus-34 ships (`kplus.k8s.Kube*`, the same classes `cdk8s import k8s`
// generates) and `ApiObject` for the custom resources. One Chart per app, one YAML file per Chart.
//
// The L2 constructs of cdk8s-plus (`kplus.Deployment`, ...) add their own defaults (labels,
// security context, resources) and cannot express native sidecars; the L1 classes build exactly
// the objects the Elite standard asks for, so both outputs can be compared field by field.
//
// usage: node dist/synth.js (after `npx tsc`) N OUTDIR SCRIPTS_DIR [--one-chart]
//   --one-chart puts every app in one Chart (one file): cdk8s's App.synth walks the whole construct
//   tree once per Chart, so one Chart per app grows with N squared; one Chart is its fastest.
//   SCRIPTS_DIR holds the container scripts (restore-config.sh, config-syncer.sh, restore-db.sh,
//   litestream-started.sh): shell text shared by every app, kept in files as a cdk8s user would.
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, ApiObject, YamlOutputType } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-34';

const [n, outdir, scriptsDir, mode] = [Number(process.argv[2]), process.argv[3], process.argv[4], process.argv[5]];
if (!Number.isInteger(n) || !outdir || !scriptsDir || (mode !== undefined && mode !== '--one-chart')) {
  console.error('usage: node dist/synth.js N OUTDIR SCRIPTS_DIR [--one-chart]');
  process.exit(2);
}
const script = (name: string): string => fs.readFileSync(path.join(scriptsDir, name), 'utf8');
const SCRIPTS = {
  restoreConfig: script('restore-config.sh'),
  configSyncer: script('config-syncer.sh'),
  restoreDb: script('restore-db.sh'),
  litestreamStarted: script('litestream-started.sh'),
};

const NAMESPACE = 'media';
const q = (s: string): k8s.Quantity => k8s.Quantity.fromString(s);
const port = (p: number | string): k8s.IntOrString => (typeof p === 'number' ? k8s.IntOrString.fromNumber(p) : k8s.IntOrString.fromString(p));

const SECURITY = (readOnlyRootFilesystem: boolean): k8s.SecurityContext => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem,
  runAsGroup: 1000,
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
});
const MICRO: k8s.ResourceRequirements = { limits: { cpu: q('100m'), memory: q('128Mi') }, requests: { cpu: q('10m'), memory: q('128Mi') } };
const MEDIUM: k8s.ResourceRequirements = { limits: { cpu: q('1000m'), memory: q('1Gi') }, requests: { cpu: q('200m'), memory: q('1Gi') } };
const probe = (action: Partial<k8s.Probe>, period = 10): k8s.Probe => ({ ...action, failureThreshold: 3, periodSeconds: period, timeoutSeconds: 5 });
const httpGet = (p: string, portName: string): Partial<k8s.Probe> => ({ httpGet: { path: p, port: port(portName) } });
const shell = (text: string): Partial<k8s.Probe> => ({ exec: { command: ['/bin/sh', '-c', text] } });

const appName = (i: number): string => `app-${String(i).padStart(5, '0')}`;

// The objects of app number `i`, added to `scope` (its Chart, or its Construct in the one Chart).
function eliteApp(scope: Construct, i: number): void {
  const name = appName(i);
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'vixens', 'vixens.io/elite': 'true' };
  const meta = (n: string): k8s.ObjectMeta => ({ name: n, namespace: NAMESPACE, labels });
  const selector = { 'app.kubernetes.io/name': name };
  const db = '/config/app.db';
  const s3Secret = `${name}-s3-credentials`;
  const prefix = `media/${name}/config`;
  const config = { mountPath: '/config', name: 'config' };
  const durability = { mountPath: '/etc/elite', name: 'elite-durability', readOnly: true };
  const tmp = { mountPath: '/tmp', name: 'elite-tmp' };
  const fromS3 = [{ secretRef: { name: s3Secret } }];
  // A durability container that runs one of the shared scripts, with its own `fields`.
  const scriptContainer = (containerName: string, image: string, script: string, fields: Partial<k8s.Container>): k8s.Container => ({
    name: containerName,
    image,
    command: ['/bin/sh', '-c'],
    args: [script],
    envFrom: fromS3,
    resources: MICRO,
    securityContext: SECURITY(true),
    ...fields,
  });
  const syncEnv = [
    { name: 'ELITE_SYNC_DIR', value: '/config' },
    { name: 'ELITE_S3_PREFIX', value: prefix },
  ];

  new k8s.KubeDeployment(scope, 'deployment', {
    metadata: meta(name),
    spec: {
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selector },
      strategy: { type: 'Recreate' },
      template: {
        metadata: {
          annotations: {
            'kubectl.kubernetes.io/default-container': name,
            'prometheus.io/path': '/metrics',
            'prometheus.io/port': '9090',
            'prometheus.io/scrape': 'true',
            'vixens.io/durability': `sqlite:app=${db}@Standard config:/config`,
            'vixens.io/role': 'standard',
            'vixens.io/runtime': 'go',
            'vixens.io/size': 'Medium',
          },
          labels,
        },
        spec: {
          containers: [{
            name,
            image: `ghcr.io/example/${name}:1.${i % 10}.0`,
            env: [{ name: 'TZ', value: 'Europe/Paris' }],
            ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
            livenessProbe: probe(httpGet('/healthz', 'http')),
            readinessProbe: probe(httpGet('/ready', 'http')),
            resources: MEDIUM,
            securityContext: SECURITY(true),
            volumeMounts: [config, tmp],
          }],
          initContainers: [
            scriptContainer('restore-config', 'rclone/rclone:1.72.0', SCRIPTS.restoreConfig, {
              env: syncEnv,
              volumeMounts: [config, durability, tmp],
            }),
            scriptContainer('config-syncer', 'ghcr.io/truxonline/elite-config-syncer:1.72.0-2', SCRIPTS.configSyncer, {
              env: syncEnv,
              ports: [{ containerPort: 9091, name: 'syncer-metrics', protocol: 'TCP' }],
              livenessProbe: probe(shell('test -n "$(find /tmp/config-syncer.alive -mmin -5)"'), 30),
              readinessProbe: probe(shell('test -f /tmp/config-syncer.ready')),
              restartPolicy: 'Always',
              volumeMounts: [config, durability, tmp],
            }),
            scriptContainer('restore-db', 'litestream/litestream:0.5.17', SCRIPTS.restoreDb, {
              env: [{ name: 'ELITE_DATABASES', value: db }, { name: 'ELITE_EPHEMERAL', value: '' }],
              volumeMounts: [config, durability],
            }),
            {
              name: 'litestream',
              image: 'litestream/litestream:0.5.17',
              args: ['replicate', '-config', '/etc/elite/litestream.yml'],
              env: [{ name: 'ELITE_DATABASES', value: db }],
              envFrom: fromS3,
              livenessProbe: probe({ tcpSocket: { port: port('metrics') } }, 20),
              ports: [{ containerPort: 9090, name: 'metrics', protocol: 'TCP' }],
              readinessProbe: probe(httpGet('/metrics', 'metrics')),
              resources: MICRO,
              restartPolicy: 'Always',
              securityContext: SECURITY(true),
              startupProbe: { ...shell(SCRIPTS.litestreamStarted), failureThreshold: 300, periodSeconds: 1, timeoutSeconds: 5 },
              volumeMounts: [config, durability],
            },
          ],
          automountServiceAccountToken: false,
          priorityClassName: 'vixens-high',
          serviceAccountName: name,
          securityContext: { fsGroup: 1000, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 60,
          volumes: [
            { name: 'config', persistentVolumeClaim: { claimName: `${name}-config` } },
            { name: 'elite-tmp', emptyDir: { sizeLimit: q('256Mi') } },
            { name: 'elite-durability', configMap: { name: `${name}-durability` } },
          ],
        },
      },
    },
  });

  new k8s.KubeServiceAccount(scope, 'serviceaccount', { metadata: meta(name), automountServiceAccountToken: false });

  const peer = (namespace: string, app: Record<string, string>): k8s.NetworkPolicyPeer => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: app },
  });
  const tcp = (p: number): k8s.NetworkPolicyPort => ({ port: port(p), protocol: 'TCP' });
  new k8s.KubeNetworkPolicy(scope, 'networkpolicy', {
    metadata: meta(name),
    spec: {
      egress: [
        { ports: [{ port: port(53), protocol: 'UDP' }, tcp(53)], to: [peer('kube-system', { 'k8s-app': 'kube-dns' })] },
        { ports: [tcp(9000)], to: [peer('infra', { 'app.kubernetes.io/name': 'minio' })] },
      ],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [tcp(9091), tcp(9090)] }],
      podSelector: { matchLabels: selector },
      policyTypes: ['Ingress', 'Egress'],
    },
  });

  new k8s.KubeService(scope, 'service', {
    metadata: meta(name),
    spec: {
      ports: [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: port('http') }],
      selector,
    },
  });

  new k8s.KubePersistentVolumeClaim(scope, 'pvc', {
    metadata: meta(`${name}-config`),
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: q('1Gi') } },
      storageClassName: 'synelia-iscsi-retain',
    },
  });

  const dbFiles = ['app.db', 'app.db-wal', 'app.db-shm', 'app.db-journal'];
  new k8s.KubeConfigMap(scope, 'durability', {
    metadata: meta(`${name}-durability`),
    data: {
      'inotify-exclude.txt':
        '^/config/(\\.elite-restore-complete|' + dbFiles.map((f: string) => f.replace(/\./g, '\\.')).join('|') +
        '|\\.app\\.db-litestream(/.*)?|app\\.db\\.stale-[^/]*(/.*)?|(.*/)?[^/]*\\.log)$\n',
      'litestream.yml': [
        'addr: ":9090"',
        'snapshot:',
        '  interval: 6h',
        '  retention: 168h',
        'dbs:',
        `- path: ${db}`,
        '  replica:',
        '    type: s3',
        '    bucket: ${LITESTREAM_BUCKET}',
        `    path: media/${name}/db/app`,
        '    endpoint: ${LITESTREAM_ENDPOINT}',
        '    force-path-style: true',
        '    sync-interval: 1s',
        '',
      ].join('\n'),
      'rclone-filter.txt': [
        '# rclone filter rules (glob syntax); generated by elite-gen',
        '- /.elite-restore-complete',
        ...dbFiles.map((f: string) => `- /${f}`),
        '- /.app.db-litestream/**',
        '- /app.db.stale-*/**',
        '- *.log',
        '',
      ].join('\n'),
    },
  });

  new ApiObject(scope, 'podmonitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: meta(`${name}-durability`),
    spec: {
      podMetricsEndpoints: [
        { interval: '30s', path: '/metrics', port: 'metrics' },
        { interval: '30s', path: '/metrics.txt', port: 'syncer-metrics' },
      ],
      selector: { matchLabels: selector },
    },
  });

  new ApiObject(scope, 'infisicalsecret', {
    apiVersion: 'secrets.infisical.com/v1alpha1',
    kind: 'InfisicalSecret',
    metadata: meta(`${name}-s3`),
    spec: {
      authentication: {
        universalAuth: {
          credentialsRef: { secretName: 'infisical-universal-auth', secretNamespace: 'argocd' },
          secretsScope: { envSlug: 'prod', projectSlug: 'vixens', secretsPath: '/shared/litestream' },
        },
      },
      hostAPI: 'http://192.168.111.69:8085',
      managedSecretReference: { creationPolicy: 'Owner', secretName: s3Secret, secretNamespace: NAMESPACE },
      resyncInterval: 60,
    },
  });
}

const app = new App({ outdir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
if (mode === '--one-chart') {
  const chart = new Chart(app, 'apps', { namespace: NAMESPACE });
  for (let i = 0; i < n; i++) eliteApp(new Construct(chart, appName(i)), i);
} else {
  for (let i = 0; i < n; i++) eliteApp(new Chart(app, appName(i), { namespace: NAMESPACE }), i);
}
app.synth();
